// A person at a terminal: Enter at every prompt gives a working project, and the command printed at
// the end makes the same project without prompts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, run, tmpDir } from "../support/cli.ts";
import { tree } from "../support/tree.ts";
import { onTerminal, watch } from "../support/terminal.ts";

describe.skipIf(process.platform !== "linux")("Enter at every prompt", () => {
  it("makes a working Python project, and the printed command makes the same one", async () => {
    const cwd = tmpDir("prompts");
    // Installing is the default too; it is left out here only to keep the test off the network.
    const terminal = onTerminal(["app", "--no-install", "--no-git"], cwd);
    const screen = watch(terminal);
    const prompts = ["Worker name", "Language", "Bindings", "Environments", "Wrangler config format", "CI", "workerd"];
    for (const prompt of prompts) {
      await screen.waitFor(prompt);
      terminal.stdin?.write("\r");
    }
    const r = await terminal;
    expect(r.exitCode, r.stdout).toBe(0);
    const command = /To do this again without prompts:\s+(npx create-edge-worker .+)/.exec(r.stdout)?.[1]?.trim();
    expect(command, r.stdout).toBeDefined();

    const project = join(cwd, "app");
    const files = tree(project);
    expect(readFileSync(join(project, "wrangler.toml"), "utf8")).toContain('main = "src/entry.py"');
    const pytest = await run("python", ["-m", "pytest", "-q"], project, { reject: false });
    expect(pytest.exitCode, String(pytest.all)).toBe(0);

    // The printed command, run by a script: no prompts, the same files.
    const again = tmpDir("prompts-again");
    const args = command!.replace(/^npx create-edge-worker /, "").split(" ");
    const scripted = await cli(args, { cwd: again });
    expect(scripted.exitCode, String(scripted.all)).toBe(0);
    expect(tree(join(again, "app"))).toEqual(files);
  });
});
