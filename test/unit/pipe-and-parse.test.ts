// A closed output pipe ends a run quietly, and `add` parses each config text once.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { patchToml } from "../../src/config/patch-toml.ts";
import { parseConfig, parseTomlTree } from "../../src/config/read.ts";
import { BIN, cli, tmpDir, toolEnv } from "../support/cli.ts";

describe("a closed pipe", () => {
  const project = () => {
    const dir = tmpDir("pipe");
    const r = spawnSync("node", [BIN, "demo", "--yes", "--no-install", "--no-git", "--kv", "CACHE", "--env", "staging"], { cwd: dir, env: toolEnv() });
    expect(r.status).toBe(0);
    return join(dir, "demo");
  };

  it("on stdout (`list | head -1`) ends the run with exit 0 and nothing on stderr", () => {
    const cwd = project();
    // The reader closes its end before `list` writes anything, so every write meets a closed pipe.
    const r = spawnSync("bash", ["-c", `node "$0" list 2>err.txt | { exec 0<&-; sleep 0.5; }; echo "\${PIPESTATUS[0]}"`, BIN], { cwd, env: toolEnv(), encoding: "utf8" });
    expect(r.stdout.trim()).toBe("0");
    expect(readFileSync(join(cwd, "err.txt"), "utf8")).toBe("");
  });

  it("on stdout of `add`, which writes without process.stdout, also ends the run with exit 0 and nothing on stderr", () => {
    const cwd = project();
    const r = spawnSync("bash", ["-c", `node "$0" add kv FLAGS 2>err.txt | { exec 0<&-; sleep 0.5; }; echo "\${PIPESTATUS[0]}"`, BIN], { cwd, env: toolEnv(), encoding: "utf8" });
    expect(r.stdout.trim()).toBe("0");
    expect(readFileSync(join(cwd, "err.txt"), "utf8")).toBe("");
    // The config is written before anything is printed.
    expect(readFileSync(join(cwd, "wrangler.toml"), "utf8")).toContain('binding = "FLAGS"');
  });

  it("changes nothing for output that is read to the end", async () => {
    const r = await cli(["list", "--cwd", project()]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("CACHE");
    const added = await cli(["add", "kv", "FLAGS", "--cwd", project()]);
    expect(added.exitCode).toBe(0);
    expect(added.stdout).toMatch(/Added KV namespace binding FLAGS to wrangler\.toml: top level, env\.staging\n[^]*await self\.env\.FLAGS\.get/);
  });
});

describe("TOML parsing in add", () => {
  const text = 'name = "a"\nmain = "src/index.ts"\n\n[env.staging]\n';

  it("parses one text once, and a changed text afresh", () => {
    const tree = parseTomlTree(text);
    expect(parseTomlTree(text)).toBe(tree);
    expect(parseTomlTree(`${text}\n`)).not.toBe(tree);
  });

  it("still verifies every patch against a fresh parse of the patched text", () => {
    const out = patchToml(text, { key: "kv_namespaces", env: "staging", entry: { binding: "CACHE" } });
    expect(parseConfig(out, "toml")).toEqual({ name: "a", main: "src/index.ts", env: { staging: { kv_namespaces: [{ binding: "CACHE" }] } } });
    expect(() => parseTomlTree('name = "a"\n[[kv_namespaces]\n')).toThrow();
  });
});
