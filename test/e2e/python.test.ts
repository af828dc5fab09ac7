// Python projects, created by the built CLI and checked with their own tools:
// pytest (under CPython, with the project's fakes), ruff, pyright, git and `wrangler deploy --dry-run`.
import { createHash } from "node:crypto";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { cli, run, tmpDir } from "../support/cli.ts";
import { linkNodeModules } from "../support/npm.ts";

const base = tmpDir("python");

async function create(name: string, args: string[]): Promise<string> {
  const dir = join(base, name);
  const r = await cli([dir, "--lang", "python", "--yes", "--no-install", "--no-git", ...args]);
  expect(r.exitCode, r.all as string).toBe(0);
  return dir;
}

const pytest = (dir: string) => run("python", ["-m", "pytest", "-q", "-p", "no:cacheprovider"], dir, { reject: false });

async function expectTestsPass(dir: string): Promise<void> {
  const r = await pytest(dir);
  expect(r.exitCode, r.all as string).toBe(0);
  expect(r.all).toMatch(/\d+ passed/);
}

async function expectRuffClean(dir: string): Promise<void> {
  await run("ruff", ["check", "."], dir);
  await run("ruff", ["format", "--check", "."], dir);
}

/**
 * pyright as `npm run typecheck` runs it, minus uv (not on this machine): the python on PATH (with pytest)
 * stands in for .venv's. workers-runtime-sdk is not installed here, so `workers` is unresolved, as `js` and `pyodide` are.
 */
const pyright = (dir: string) => run(join(dir, "node_modules/.bin/pyright"), [], dir, { reject: false });

async function expectTypesClean(dir: string): Promise<void> {
  const r = await pyright(dir);
  expect(r.exitCode, r.all as string).toBe(0);
  expect(r.all).toContain("0 errors, 0 warnings");
  // It read both folders: the worker and the tests (conftest.py included).
  expect(r.all).not.toContain("No source files found");
}

async function dryRun(dir: string, env?: string): Promise<string> {
  const args = ["deploy", "--dry-run", "--outdir", "dist", ...(env === undefined ? [] : [`--env=${env}`])];
  const r = await run(join(dir, "node_modules/.bin/wrangler"), args, dir, { reject: false });
  expect(r.exitCode, r.all as string).toBe(0);
  expect(r.all).not.toContain("not inherited");
  return r.all as string;
}

describe("python, wrangler.toml, KV + D1 + R2, staging", () => {
  let dir: string;

  test("creates the project", async () => {
    dir = await create("full", ["--config", "toml", "--kv", "CACHE", "--d1", "DB", "--r2", "ASSETS", "--env", "staging"]);
    for (const f of ["src/entry.py", "tests/conftest.py", "tests/test_entry.py", "pyproject.toml", "wrangler.toml", ".gitignore", ".dev.vars.example", "migrations/0001_init.sql"])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const pyproject = readFileSync(join(dir, "pyproject.toml"), "utf8");
    expect(pyproject).toContain('requires-python = ">=3.13"');
    expect(pyproject).toMatch(/"workers-py==\d+\.\d+\.\d+"/);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg.scripts).toMatchObject({
      dev: "wrangler d1 migrations apply DB --local && uv run pywrangler dev",
      deploy: "uv run pywrangler deploy",
      test: "uv run pytest",
      typecheck: "uv run pyright",
    });
    expect(pkg.devDependencies.wrangler).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("its tests pass and ruff is clean", async () => {
    await expectTestsPass(dir);
    await expectRuffClean(dir);
  });

  test("git ignores local secrets and state but keeps .dev.vars.example", async () => {
    await run("git", ["init", "-q"], dir);
    for (const f of [".dev.vars", ".dev.vars.staging", ".env", "node_modules/x", ".wrangler/state/x", "python_modules/x.py", ".venv/x", "src/__pycache__/entry.pyc"])
      expect((await run("git", ["check-ignore", "-q", f], dir, { reject: false })).exitCode, f).toBe(0);
    expect((await run("git", ["check-ignore", "-q", ".dev.vars.example"], dir, { reject: false })).exitCode).toBe(1);
    rmSync(join(dir, ".git"), { recursive: true });
  });

  test("wrangler accepts it for the top level and for staging", async () => {
    await linkNodeModules(dir);
    const top = await dryRun(dir, "");
    expect(top).toMatch(/env\.DB \(full-db\)/);
    expect(top).toContain('env.ENVIRONMENT ("development")');
    const staging = await dryRun(dir, "staging");
    expect(staging).toMatch(/env\.ASSETS \(full-assets-staging\)/);
    expect(staging).toContain('env.ENVIRONMENT ("staging")');
  });

  test("pyright finds no type errors", async () => {
    await expectTypesClean(dir);
  });

  // Type errors in the worker and in the tests, each a bug; pyright must report it.
  test.each([
    ["src/entry.py", "a JavaScript method called on a Python str", "not body.strip()", "not body.trim()", 'Cannot access attribute "trim" for class "str"'],
    ["tests/conftest.py", "a str where the fake R2 hashes bytes", 'data = b"" if _missing(value)', 'data = "" if _missing(value)', '"__buffer__" is not present'],
  ])("pyright reports %s: %s", async (file, _label, from, to, message) => {
    const path = join(dir, file);
    const source = readFileSync(path, "utf8");
    expect(source).toContain(from);
    try {
      writeFileSync(path, source.replace(from, to));
      const r = await pyright(dir);
      expect(r.exitCode, r.all as string).toBe(1);
      expect(r.all).toMatch(/[1-9]\d* errors?/);
      expect(r.all).toContain(message);
    } finally {
      writeFileSync(path, source);
    }
  });

  // Each mutation is a bug that would break the deployed Worker; the generated tests must catch it.
  test.each([
    ["a KV write that is never awaited", "await store.put(", "store.put("],
    ["a null check that misses jsnull", "if missing(value):", "if value is None:"],
    ["a Python dict passed as R2 options", "js_object(options))", "options)"],
    ["D1 rows left as JavaScript proxies", "listed.results.to_py()", "listed.results"],
  ])("its tests catch %s", async (_label, from, to) => {
    const copy = join(base, `mutant-${createHash("sha1").update(from).digest("hex").slice(0, 8)}`);
    cpSync(dir, copy, { recursive: true, filter: (src) => !src.endsWith("node_modules") });
    const entry = join(copy, "src/entry.py");
    const source = readFileSync(entry, "utf8");
    expect(source).toContain(from);
    writeFileSync(entry, source.replace(from, to));
    const r = await pytest(copy);
    expect(r.exitCode, r.all as string).toBe(1);
    expect(r.all).toMatch(/\d+ failed/);
  });
});

describe("python, wrangler.jsonc", () => {
  let dir: string;

  test("its tests pass, ruff is clean and wrangler accepts both environments", async () => {
    dir = await create("jsonc", ["--config", "jsonc", "--kv", "CACHE", "--d1", "DB", "--r2", "ASSETS", "--env", "staging"]);
    await expectTestsPass(dir);
    await expectRuffClean(dir);
    await linkNodeModules(dir);
    await expectTypesClean(dir);
    await dryRun(dir, "");
    await dryRun(dir, "staging");
  });

  test("the test env follows the config: comments, trailing commas, `//` in strings, new bindings", async () => {
    const config = join(dir, "wrangler.jsonc");
    const text = readFileSync(config, "utf8")
      .replace('"ENVIRONMENT": "development"', '"ENVIRONMENT": "development",\n\t\t"SITE": "https://example.com//a/*b*/", // not in the string\n')
      .replace('"kv_namespaces": [', '"kv_namespaces": [\n\t\t{ "binding": "EXTRA" /* added later, as `add` would */ },');
    writeFileSync(config, text);
    writeFileSync(
      join(dir, "tests/test_config.py"),
      [
        "def test_config_is_read(env, run):",
        '    assert env.SITE == "https://example.com//a/*b*/"',
        '    assert env.ENVIRONMENT == "development"',
        '    run(env.EXTRA.put("k", "v"))',
        '    assert run(env.EXTRA.get("k")) == "v"',
        "",
      ].join("\n"),
    );
    const r = await pytest(dir);
    expect(r.exitCode, r.all as string).toBe(0);
    expect(r.all).toMatch(/\d+ passed/);
  });
});

describe("python without bindings", () => {
  test("its tests pass, ruff is clean and wrangler accepts it", async () => {
    const dir = await create("plain", []);
    expect(readFileSync(join(dir, "src/entry.py"), "utf8")).not.toMatch(/jsnull|KV|D1|R2/);
    await expectTestsPass(dir);
    await expectRuffClean(dir);
    await linkNodeModules(dir);
    await expectTypesClean(dir);
    const out = await dryRun(dir);
    expect(out).toContain('env.ENVIRONMENT ("development")');
  });
});
