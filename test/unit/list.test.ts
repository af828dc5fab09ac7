// `list` through the built CLI.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ROOT, tmpDir } from "../support/cli.ts";

function project(file: string, text: string): string {
  const dir = tmpDir("list");
  writeFileSync(join(dir, file), text);
  return dir;
}

describe("list", () => {
  it("prints each scope's bindings with their resources, and warns about what an environment misses", async () => {
    const dir = project("wrangler.toml", readFileSync(join(ROOT, "test/fixtures/add/toml-hand-written/expected.toml"), "utf8"));
    const r = await cli(["list", "--cwd", dir]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^wrangler.toml: typescript worker shop\n/);
    expect(r.stdout).toMatch(/top level\n {2}kv {2}CARTS {3}id 0f2ac74b498b48028cb68387c421e279\n {2}kv {2}CACHE {3}id abc123\n {2}r2 {2}UPLOADS shop-uploads\n/);
    expect(r.stdout).toMatch(/env.production\n {2}kv {2}CARTS {3}id 1f2ac74b498b48028cb68387c421e279\n {2}r2 {2}UPLOADS shop-uploads-production(\n|$)/);
    expect(String(r.stderr).trim().split("\n")).toEqual([
      "warning kv binding CACHE is at the top level but missing in env.production (bindings are not inherited); fix: create-edge-worker add kv CACHE --env production",
    ]);
  });

  it("says so when every environment has every binding", async () => {
    const dir = project("wrangler.jsonc", readFileSync(join(ROOT, "test/fixtures/add/jsonc-generated/expected.jsonc"), "utf8"));
    const r = await cli(["list", "--cwd", dir]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("wrangler.jsonc: python worker my-app");
    expect(r.stdout).toMatch(/env.staging\n {2}kv {2}CACHE {3}\(namespace created on first deploy\)\n {2}kv {2}TOKENS {2}.*\n {2}r2 {2}FILES {3}my-app-files-staging\n/);
    expect(r.stdout).toContain("Every environment has every top-level binding.");
    expect(r.stderr).toBe("");
  });

  it("fails with one line on a config that does not parse", async () => {
    const dir = project("wrangler.json", '{ "name": ');
    const r = await cli(["list", "--cwd", dir]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error:? wrangler.json: not valid JSON: value expected \(line 1, column 11\)/);
  });
});
