// `add` on freshly created projects, then each project's own tests and a dry-run deploy per environment.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/read.ts";
import { cli, run, tmpDir } from "../support/cli.ts";
import { linkNodeModules } from "../support/npm.ts";

const CREATE = ["--yes", "--no-install", "--no-git", "--pm", "npm", "--env", "staging", "--kv", "CACHE"];
const ADDS = [
  ["kv", "TOKENS"],
  ["d1", "STATS"],
  ["r2", "UPLOADS"],
];

async function createProject(lang: string, config: string): Promise<string> {
  const dir = join(tmpDir(`add-${lang}`), "app");
  const r = await cli([dir, "--lang", lang, "--config", config, ...CREATE]);
  expect(r.exitCode, String(r.all)).toBe(0);
  return dir;
}

async function addAll(dir: string): Promise<string> {
  let output = "";
  for (const args of ADDS) {
    const r = await cli(["add", ...args], { cwd: dir });
    expect(r.exitCode, String(r.all)).toBe(0);
    output += String(r.all);
  }
  return output;
}

/** Both scopes carry every binding, and `list` has nothing to warn about. */
async function expectEveryScopeHasEveryBinding(dir: string, file: string): Promise<void> {
  const v = parseConfig(readFileSync(join(dir, file), "utf8"), file.endsWith(".toml") ? "toml" : "jsonc") as any;
  for (const scope of [v, v.env.staging]) {
    expect(scope.kv_namespaces.map((b: any) => b.binding)).toEqual(["CACHE", "TOKENS"]);
    expect(scope.d1_databases.map((b: any) => b.binding)).toEqual(["STATS"]);
    expect(scope.r2_buckets.map((b: any) => b.binding)).toEqual(["UPLOADS"]);
  }
  expect(v.env.staging.r2_buckets[0].bucket_name).toBe("app-uploads-staging");
  const list = await cli(["list"], { cwd: dir });
  expect(list.exitCode).toBe(0);
  expect(list.stderr).toBe("");
}

async function dryRunEveryEnv(dir: string): Promise<void> {
  for (const env of ["--env=", "--env=staging"]) {
    const r = await run(join(dir, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", "dist", env], dir, { reject: false });
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(r.all).not.toContain("not inherited");
    for (const name of ["CACHE", "TOKENS", "STATS", "UPLOADS"]) expect(r.all, env).toContain(name);
  }
}

// Uses the added bindings through the project's own fake env, which is built from the config.
const PY_TEST = `import pytest


@pytest.mark.parametrize("scope", ["", "staging"])
def test_added_bindings_are_in_env(monkeypatch, request, run, scope):
    monkeypatch.setenv("CLOUDFLARE_ENV", scope)
    env = request.getfixturevalue("env")
    run(env.TOKENS.put("k", "v"))
    assert run(env.TOKENS.get("k")) == "v"
    row = run(env.STATS.prepare("SELECT count(*) AS n FROM notes").first())
    assert row.to_py() == {"n": 0}
    run(env.UPLOADS.put("a.txt", "hi"))
    assert run(run(env.UPLOADS.get("a.txt")).text()) == "hi"
`;

describe("add in a Python project (wrangler.toml)", () => {
  let dir: string;
  let output: string;
  beforeAll(async () => {
    dir = await createProject("python", "toml");
    output = await addAll(dir);
  });

  it("adds kv, d1 and r2 everywhere and shows Python usage", async () => {
    expect(output).toContain("await self.env.TOKENS.get(");
    expect(output).toContain("await self.env.STATS.prepare(");
    expect(output).toContain("await self.env.UPLOADS.get(");
    await expectEveryScopeHasEveryBinding(dir, "wrangler.toml");
  });

  it("the project's pytest passes, with the new bindings in its fake env", async () => {
    writeFileSync(join(dir, "tests/test_added.py"), PY_TEST);
    const r = await run("python", ["-m", "pytest", "-q", "-p", "no:cacheprovider"], dir, { reject: false });
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(r.all).toMatch(/\d+ passed/);
    const added = await run("python", ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_added.py"], dir, { reject: false });
    expect(added.all).toMatch(/\b2 passed/);
  });

  it("deploys (dry run) in every environment without a 'not inherited' warning", async () => {
    await linkNodeModules(dir);
    await dryRunEveryEnv(dir);
  });
});

const TS_TEST = `import { env } from "cloudflare:workers";
import { expect, it } from "vitest";

it("has the added bindings, typed", async () => {
	await env.TOKENS.put("k", "v");
	expect(await env.TOKENS.get("k")).toBe("v");
	// The migration \`add\` wrote is applied by the project's own test setup.
	await env.STATS.prepare("INSERT INTO notes (body) VALUES (?)").bind("added").run();
	const { results } = await env.STATS.prepare("SELECT body FROM notes").all<{ body: string }>();
	expect(results).toEqual([{ body: "added" }]);
	await env.UPLOADS.put("a.txt", "hi");
	expect(await (await env.UPLOADS.get("a.txt"))?.text()).toBe("hi");
});
`;

describe("add in a TypeScript project (wrangler.jsonc)", () => {
  let dir: string;
  let output: string;
  beforeAll(async () => {
    dir = await createProject("typescript", "jsonc");
    await run("npm", ["install", "--no-audit", "--no-fund"], dir);
    output = await addAll(dir);
  });

  it("adds kv, d1 and r2 everywhere, regenerates the types and shows TypeScript usage", async () => {
    expect(output).toContain("await env.TOKENS.get(");
    expect(output).toContain("Updated the binding types (wrangler types)");
    const types = readFileSync(join(dir, "worker-configuration.d.ts"), "utf8");
    expect(types).toMatch(/TOKENS: KVNamespace/);
    expect(types).toMatch(/STATS: D1Database/);
    expect(types).toMatch(/UPLOADS: R2Bucket/);
    expect(existsSync(join(dir, "migrations/0001_init.sql"))).toBe(true);
    await expectEveryScopeHasEveryBinding(dir, "wrangler.jsonc");
  });

  it("cf-typegen is up to date, the project's tests pass and tsc is clean", async () => {
    writeFileSync(join(dir, "test/added.test.ts"), TS_TEST);
    await run("npm", ["run", "cf-typegen"], dir);
    await run("npx", ["wrangler", "types", "--check"], dir);
    const t = await run("npm", ["test"], dir);
    expect(t.all).toMatch(/Tests\s+\d+ passed/);
    await run("npx", ["tsc", "--noEmit"], dir);
  });

  it("deploys (dry run) in every environment without a 'not inherited' warning", async () => {
    await dryRunEveryEnv(dir);
  });
});
