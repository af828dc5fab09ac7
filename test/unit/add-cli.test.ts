// `add` through the built CLI, in throwaway projects: what it writes, what it prints, and what it refuses.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/read.ts";
import { cli, ROOT, tmpDir } from "../support/cli.ts";

const fixture = (name: string, file: string) => readFileSync(join(ROOT, "test/fixtures/add", name, file), "utf8");

function project(configFile: string, text: string): string {
  const dir = tmpDir("add");
  writeFileSync(join(dir, configFile), text);
  return dir;
}

const out = (r: { all?: unknown }) => String(r.all ?? "");

describe("add in a TypeScript project (wrangler.toml, two environments)", () => {
  let dir: string;
  let before: string;
  beforeEach(() => {
    before = fixture("toml-generated", "wrangler.toml").replace("[env.staging.vars]", '[env.production.vars]\nENVIRONMENT = "production"\n\n[env.staging.vars]');
    dir = project("wrangler.toml", before);
  });
  const config = () => readFileSync(join(dir, "wrangler.toml"), "utf8");

  it("adds the binding at the top level and in every environment, each with its own resource", async () => {
    const r = await cli(["add", "r2", "UPLOADS", "--cwd", dir]);
    expect(r.exitCode, out(r)).toBe(0);
    const v = parseConfig(config(), "toml") as any;
    expect(v.r2_buckets).toEqual([{ binding: "UPLOADS", bucket_name: "my-app-uploads" }]);
    expect(v.env.staging.r2_buckets).toEqual([{ binding: "UPLOADS", bucket_name: "my-app-uploads-staging" }]);
    expect(v.env.production.r2_buckets).toEqual([{ binding: "UPLOADS", bucket_name: "my-app-uploads-production" }]);
    expect(out(r)).toContain("await env.UPLOADS.get(");
    expect(out(r)).toContain("cf-typegen");
  });

  it("adds to the top level and only the environments named by --env", async () => {
    const r = await cli(["add", "kv", "TOKENS", "--id", "abc123", "--env", "staging", "--cwd", dir]);
    expect(r.exitCode, out(r)).toBe(0);
    const v = parseConfig(config(), "toml") as any;
    expect(v.kv_namespaces).toContainEqual({ binding: "TOKENS", id: "abc123" });
    // An id names one namespace: staging must not share production's, so it gets its own on first deploy.
    expect(v.env.staging.kv_namespaces).toContainEqual({ binding: "TOKENS" });
    expect(v.env.production.kv_namespaces).toBeUndefined();
    expect(out(r)).toContain("The id is the top level's");
  });

  it("adds a D1 database with its migrations_dir and the same first migration create writes", async () => {
    const r = await cli(["add", "d1", "DB", "--database-name", "shop-db", "--cwd", dir]);
    expect(r.exitCode, out(r)).toBe(0);
    const v = parseConfig(config(), "toml") as any;
    expect(v.d1_databases).toEqual([{ binding: "DB", database_name: "shop-db", migrations_dir: "migrations" }]);
    expect(readFileSync(join(dir, "migrations/0001_init.sql"), "utf8")).toBe(readFileSync(join(ROOT, "templates/features/d1/common/migrations/0001_init.sql"), "utf8"));
  });

  it("makes a given resource name each environment's own, as create does", async () => {
    const r = await cli(["add", "r2", "FILES", "--bucket-name", "shop-files", "--cwd", dir]);
    expect(r.exitCode, out(r)).toBe(0);
    const v = parseConfig(config(), "toml") as any;
    expect(v.r2_buckets).toContainEqual({ binding: "FILES", bucket_name: "shop-files" });
    expect(v.env.staging.r2_buckets).toContainEqual({ binding: "FILES", bucket_name: "shop-files-staging" });
    expect(v.env.production.r2_buckets).toContainEqual({ binding: "FILES", bucket_name: "shop-files-production" });
    const again = await cli(["add", "r2", "FILES", "--bucket-name", "shop-files", "--cwd", dir]);
    expect(again.exitCode, out(again)).toBe(0);
    expect(out(again)).toContain("nothing to add");
  });

  it("refuses a given name that is too long once an environment is appended", async () => {
    const r = await cli(["add", "r2", "FILES", "--bucket-name", "b".repeat(60), "--cwd", dir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/made from --bucket-name must be 3-63/);
    expect(config()).toBe(before);
  });

  it("keeps an existing migration instead of adding one", async () => {
    await cli(["add", "d1", "DB", "--cwd", dir]);
    writeFileSync(join(dir, "migrations/0001_init.sql"), "-- mine\n");
    await cli(["add", "d1", "OTHER", "--cwd", dir]);
    expect(readFileSync(join(dir, "migrations/0001_init.sql"), "utf8")).toBe("-- mine\n");
  });

  it("is a no-op that says so when the binding is already there", async () => {
    await cli(["add", "kv", "TOKENS", "--cwd", dir]);
    const once = config();
    const r = await cli(["add", "kv", "TOKENS", "--cwd", dir]);
    expect(r.exitCode).toBe(0);
    expect(out(r)).toMatch(/already exists with these settings; nothing to add: top level, env.production, env.staging/);
    expect(config()).toBe(once);
  });

  it("fills in only the environments that miss an existing binding", async () => {
    const r = await cli(["add", "kv", "CACHE", "--cwd", dir]);
    expect(r.exitCode, out(r)).toBe(0);
    expect(out(r)).toMatch(/Added .* to wrangler.toml: env.production\n/);
    expect(out(r)).toMatch(/Already there: top level, env.staging/);
    expect((parseConfig(config(), "toml") as any).env.production.kv_namespaces).toEqual([{ binding: "CACHE" }]);
  });

  it("--dry-run prints a unified diff of every file and writes nothing", async () => {
    const r = await cli(["add", "d1", "DB", "--dry-run", "--cwd", dir]);
    expect(r.exitCode, out(r)).toBe(0);
    expect(r.stdout).toContain("--- a/wrangler.toml\n+++ b/wrangler.toml\n@@ ");
    expect(r.stdout).toContain('+[[env.staging.d1_databases]]\n+binding = "DB"\n+database_name = "my-app-db-staging"');
    expect(r.stdout).toContain("--- /dev/null\n+++ b/migrations/0001_init.sql\n@@ -0,0 +1,6 @@\n+-- Migration number: 0001");
    expect(config()).toBe(before);
    expect(existsSync(join(dir, "migrations"))).toBe(false);
  });

  it.each([
    [["kv", "1CACHE"], 2, /BINDING "1CACHE"/],
    [["kv", "class"], 2, /BINDING "class"/],
    [["queue", "Q"], 2, /<kind> "queue": must be one of kv, d1, r2/],
    [["kv", "X", "--env", "prod"], 2, /--env "prod": no such environment in wrangler.toml \(it declares production, staging\)/],
    [["kv", "CACHE", "--id", "other"], 2, /CACHE already exists at the top level with different settings \(no id there, "other" asked\)/],
    [["r2", "CACHE"], 2, /CACHE is already a KV namespace binding at the top level/],
    [["r2", "ENVIRONMENT"], 2, /ENVIRONMENT is already a var at the top level/],
    [["kv", "X", "--bucket-name", "b"], 2, /--bucket-name: applies to r2 bindings only/],
    [["d1", "X", "--database-name", "Bad_Name"], 2, /--database-name "Bad_Name"/],
  ])("refuses add %j with exit %i and leaves the config byte for byte", async (args, code, message) => {
    const r = await cli(["add", ...args, "--cwd", dir]);
    expect(r.exitCode).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(String(r.stderr).trim().split("\n")).toHaveLength(1);
    expect(config()).toBe(before);
  });
});

describe("add refuses what it cannot read", () => {
  it("an unparsable config: exit 1, one line naming the place, file unchanged", async () => {
    const bad = 'name = "x" # a comment\nmain =\n';
    const dir = project("wrangler.toml", bad);
    const r = await cli(["add", "kv", "CACHE", "--cwd", dir]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/wrangler.toml: not valid TOML: .*\(line \d+, column \d+\)$/);
    expect(readFileSync(join(dir, "wrangler.toml"), "utf8")).toBe(bad);
  });

  it("a folder without a config: exit 2", async () => {
    const r = await cli(["add", "kv", "CACHE", "--cwd", tmpDir("add")]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no wrangler.toml, wrangler.jsonc or wrangler.json in /);
  });
});

describe("add in a Python project (wrangler.jsonc, CRLF)", () => {
  it("patches in place and shows the Python way to use the binding", async () => {
    const before = fixture("jsonc-crlf-trailing-commas", "wrangler.jsonc").replace('"src/index.ts"', '"src/entry.py"');
    const dir = project("wrangler.jsonc", before);
    const r = await cli(["add", "kv", "CACHE", "--cwd", dir]);
    expect(r.exitCode, out(r)).toBe(0);
    expect(out(r)).toContain("await self.env.CACHE.get(");
    expect(out(r)).not.toContain("cf-typegen");
    const after = readFileSync(join(dir, "wrangler.jsonc"), "utf8");
    expect(after.replace(/\r\n/g, "")).not.toContain("\n");
    const v = parseConfig(after, "jsonc") as any;
    expect(v.kv_namespaces).toEqual([{ binding: "CACHE" }]);
    expect(v.env.staging.kv_namespaces).toEqual([{ binding: "CACHE" }]);
  });
});

describe("add brings derived files up to date", () => {
  it("regenerates the workerd config of a project created with --workerd", async () => {
    const dir = join(tmpDir("add"), "app");
    const created = await cli([dir, "--yes", "--lang", "typescript", "--env", "staging", "--workerd", "--no-install", "--no-git"]);
    expect(created.exitCode, out(created)).toBe(0);
    const capnp = join(dir, "workerd/config.capnp");
    expect(readFileSync(capnp, "utf8")).not.toContain("UPLOADS");
    const dry = await cli(["add", "r2", "UPLOADS", "--dry-run", "--cwd", dir]);
    expect(dry.stdout).toContain("+++ b/workerd/config.capnp");
    expect(readFileSync(capnp, "utf8")).not.toContain("UPLOADS");
    const r = await cli(["add", "r2", "UPLOADS", "--env", "all", "--cwd", dir]);
    expect(r.exitCode, out(r)).toBe(0);
    expect(r.stdout).toContain("Updated workerd/config.capnp");
    expect(readFileSync(capnp, "utf8")).toContain("UPLOADS");
  });
});
