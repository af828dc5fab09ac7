// Ctrl-C (SIGINT) and SIGTERM at every stage of `create`: at a prompt, while writing, during install.
// Before the files are moved into place, an interruption leaves nothing at all. After, the project is
// complete and the user's: it is kept, and only what the interrupted step half-made (node_modules) goes.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { cli, tmpDir, toolEnv } from "../support/cli.ts";
import { onTerminal, until, watch } from "../support/terminal.ts";

// Many files, so that writing them with a delay takes long enough to interrupt.
const BIG = ["--yes", "--lang", "typescript", "--kv", "CACHE", "--d1", "DB", "--r2", "FILES", "--env", "staging", "--workerd", "--no-git"];

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(e.parentPath, e.name);
    out[path.slice(dir.length + 1)] = e.isDirectory() ? "<dir>" : readFileSync(path, "utf8");
  }
  return out;
}

const tmpFolderIn = (dir: string) => readdirSync(dir).some((n) => n.includes(".tmp-"));

/** A folder holding a fake `npm` that runs `script`, put first on PATH. */
function fakeNpm(script: string): Record<string, string> {
  const bin = tmpDir("fake-npm");
  writeFileSync(join(bin, "npm"), `#!/bin/sh\n${script}\n`);
  chmodSync(join(bin, "npm"), 0o755);
  return toolEnv({ PATH: `${bin}:${toolEnv().PATH}` });
}

describe("interrupted while writing", () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal} leaves no project, no temp folder and no parent folders behind`, async () => {
      const cwd = tmpDir("int-write");
      writeFileSync(join(cwd, "keep.txt"), "mine\n");
      const before = tree(cwd);
      const run = cli(["nested/deeper/app", ...BIG, "--no-install"], { cwd, env: toolEnv({ CEW_TEST_DELAY_MS: "100" }) });
      await until(() => existsSync(join(cwd, "nested/deeper")) && tmpFolderIn(join(cwd, "nested/deeper")));
      await sleep(300);
      run.kill(signal);
      const r = await run;
      expect(r.exitCode).toBe(code);
      expect(r.stderr).toMatch(/^Cancelled$/m);
      expect(r.stdout).not.toMatch(/Created/);
      expect(tree(cwd)).toEqual(before);
    });
  }

  it("with --force, keeps what was there and adds nothing", async () => {
    const cwd = tmpDir("int-force");
    mkdirSync(join(cwd, "app"));
    writeFileSync(join(cwd, "app/README.md"), "my own readme\n");
    const before = tree(cwd);
    const run = cli(["app", ...BIG, "--no-install", "--force"], { cwd, env: toolEnv({ CEW_TEST_DELAY_MS: "100" }) });
    await until(() => tmpFolderIn(cwd));
    await sleep(300);
    run.kill("SIGINT");
    expect((await run).exitCode).toBe(130);
    expect(tree(cwd)).toEqual(before);
  });
});

describe("during install", () => {
  it("Ctrl-C keeps the complete project, removes the half-made node_modules and says how to finish", async () => {
    const cwd = tmpDir("int-install");
    const reference = tmpDir("int-reference");
    expect((await cli(["app", ...BIG, "--no-install"], { cwd: reference })).exitCode).toBe(0);
    const env = fakeNpm("mkdir -p node_modules/half && echo partial > node_modules/half/index.js && exec sleep 30");
    const run = cli(["app", ...BIG, "--pm", "npm"], { cwd, env });
    await until(() => existsSync(join(cwd, "app/node_modules/half/index.js")));
    run.kill("SIGINT");
    const r = await run;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toMatch(/^Cancelled$/m);
    expect(r.stderr).toContain("install interrupted; the project is in place. Finish with: cd app && npm install");
    expect(tree(cwd)).toEqual(tree(reference));
  });

  it("a failed install keeps the project, names the failure and the retry command, exits 1", async () => {
    const cwd = tmpDir("fail-install");
    const env = fakeNpm('echo "npm error network unreachable" >&2; exit 1');
    const r = await cli(["app", "--yes", "--no-git", "--pm", "npm"], { cwd, env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("npm error network unreachable");
    expect(r.stderr).toContain("retry the install with: cd app && npm install");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(cwd, "app/wrangler.toml"))).toBe(true);
    expect(tmpFolderIn(cwd)).toBe(false);
  });
});

describe.skipIf(process.platform !== "linux")("at a prompt", () => {
  it("Ctrl-C at the first prompt prints Cancelled, writes nothing, exits 130", async () => {
    const cwd = tmpDir("int-prompt");
    const run = onTerminal([], cwd);
    await watch(run).waitFor("Where should the project go?");
    run.stdin?.write("\x03");
    const r = await run;
    expect(r.exitCode).toBe(130);
    expect(r.stdout).toMatch(/Cancelled/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("Ctrl-C at a later prompt, after the directory was answered, writes nothing", async () => {
    const cwd = tmpDir("int-prompt2");
    const run = onTerminal(["app"], cwd);
    const screen = watch(run);
    await screen.waitFor("Worker name");
    run.stdin?.write("\r");
    await screen.waitFor("Language");
    run.stdin?.write("\x03");
    const r = await run;
    expect(r.exitCode).toBe(130);
    expect(r.stdout).toMatch(/Cancelled/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("a bad flag on a terminal is refused before the first prompt", async () => {
    const cwd = tmpDir("int-prompt3");
    const r = await onTerminal(["app", "--kv", "1BAD"], cwd);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/error: --kv "1BAD": must be an identifier/);
    expect(r.stdout).not.toMatch(/Worker name|Language/);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
