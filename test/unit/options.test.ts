// Flags -> choices, and the promises about output: help with defaults, no prompts or escape codes
// without a terminal, errors on stderr and results on stdout, where a project goes, --force.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { checkFlagConflicts, choicesFromFlags, DEFAULT_DIR, equivalentCommand, splitList } from "../../src/create/options.ts";
import { UsageError } from "../../src/errors.ts";
import { checkCompatDate } from "../../src/validate.ts";
import { COMPATIBILITY_DATE } from "../../src/versions.ts";
import { BIN, cli, tmpDir, toolEnv } from "../support/cli.ts";

describe("choicesFromFlags", () => {
  it("takes a default for everything not given", () => {
    const c = choicesFromFlags(undefined, {});
    expect(c.dir).toBe(DEFAULT_DIR);
    expect(c.project).toEqual({
      name: DEFAULT_DIR,
      lang: "python",
      bindings: [],
      envs: [],
      config: "toml",
      ci: "github",
      workerd: false,
      compatDate: COMPATIBILITY_DATE,
    });
    expect([c.install, c.git]).toEqual([true, true]);
  });

  it("lets flags win, splitting repeatable lists", () => {
    const c = choicesFromFlags("apps/site", { lang: "typescript", kv: ["A,B", "C"], r2: ["FILES"], env: ["staging, production"], workerd: true, install: false });
    expect(c.project.name).toBe("site");
    expect(c.project.bindings).toEqual([
      { kind: "kv", name: "A" },
      { kind: "kv", name: "B" },
      { kind: "kv", name: "C" },
      { kind: "r2", name: "FILES" },
    ]);
    expect(c.project.envs).toEqual(["staging", "production"]);
    expect([c.project.lang, c.project.workerd, c.install]).toEqual(["typescript", true, false]);
  });

  it("takes --name as the directory when there is none", () => {
    expect(choicesFromFlags(undefined, { name: "api" }).dir).toBe("api");
  });

  it("refuses a directory whose name is no worker name, suggesting a slug", () => {
    expect(() => choicesFromFlags("My Site!", {})).toThrow(/directory name "My Site!" is not a valid worker name .*pass --name my-site$/);
    expect(() => choicesFromFlags("My Site!", { name: "site" })).not.toThrow();
  });

  it("a dry run neither installs nor commits unless asked, and refuses being asked", () => {
    const c = choicesFromFlags("app", { dryRun: true });
    expect([c.install, c.git]).toEqual([false, false]);
    expect(() => choicesFromFlags("app", { dryRun: true, git: true })).toThrow(UsageError);
  });

  it("keeps empty list items so that they are refused, not dropped", () => {
    expect(splitList(["A,,B", " C "])).toEqual(["A", "", "B", "C"]);
  });

  it("prints a command that repeats the choices", () => {
    const c = choicesFromFlags("my app", { kv: ["CACHE"], env: ["staging"], name: "app" });
    expect(equivalentCommand(c)).toBe(
      "npx create-edge-worker 'my app' --yes --name app --lang python --kv CACHE --env staging --config toml --ci github --pm npm --install --git",
    );
  });
});

describe("checkFlagConflicts", () => {
  it.each([
    [["--workerd", "--no-workerd"], /--workerd and --no-workerd/],
    [["--no-git", "x", "--git"], /--no-git and --git/],
    [["--ci", "github", "--ci=none"], /--ci given twice \("github" and "none"\)/],
    [["--compat-date=2024-01-01", "--compat-date", "2024-01-02"], /--compat-date given twice/],
  ])("refuses %j", (args, message) => {
    expect(() => checkFlagConflicts(args)).toThrow(message);
  });

  it.each([[["--workerd", "--workerd"]], [["--lang", "python", "--lang=python"]], [["--no-install"]], [["--", "--git", "--no-git"]]])(
    "accepts %j",
    (args) => {
      expect(() => checkFlagConflicts(args)).not.toThrow();
    },
  );
});

const str = (v: unknown) => String(v ?? "");

describe("the command line", () => {
  it.each([[[]], [["add"]], [["list"]]])("%j --help gives every flag's default", async (sub) => {
    const r = await cli([...sub, "--help"]);
    expect(r.exitCode).toBe(0);
    // Each option starts a line with two spaces and "-"; its description may wrap onto the following lines.
    const section = str(r.stdout).split("Options:")[1].split("Commands:")[0];
    const options = section.split(/\n(?= {2}-)/).filter((o) => /^ {2}-/.test(o));
    expect(options.length).toBeGreaterThan(sub.length ? 1 : 15);
    for (const o of options) {
      if (/^\s+(-h, --help|-v, --version|--no-)/.test(o)) continue;
      expect(o.replace(/\s+/g, " "), "no default in --help").toMatch(/\(default/);
    }
  });

  it("without a terminal it never prompts and uses no escape codes, even without NO_COLOR", async () => {
    const cwd = tmpDir("plain");
    const { NO_COLOR: _, ...env } = toolEnv();
    // No --yes, and stdin open but not a terminal: a prompt would hang until the timeout.
    const ok = await execa("node", [BIN, "app", "--no-install", "--no-git", "--kv", "CACHE"], { cwd, env, extendEnv: false, reject: false, timeout: 10_000, input: "" });
    expect(ok.exitCode, ok.stderr).toBe(0);
    const bad = await execa("node", [BIN, "app2", "--lang", "rust"], { cwd, env, extendEnv: false, reject: false, timeout: 10_000 });
    expect(bad.exitCode).toBe(2);
    for (const out of [ok.stdout, ok.stderr, bad.stdout, bad.stderr]) expect(out).not.toContain("\x1b");
  });

  it("puts results on stdout and errors on stderr", async () => {
    const cwd = tmpDir("streams");
    const ok = await cli(["app", "--yes", "--no-install", "--no-git"], { cwd });
    expect(str(ok.stdout)).toMatch(/Created python worker app in app/);
    expect(str(ok.stderr)).toBe("");
    const bad = await cli(["app", "--yes"], { cwd });
    expect(str(bad.stdout)).toBe("");
    expect(str(bad.stderr)).toMatch(/^error: directory "app": not empty/);
  });

  it("creates outside the current folder when asked, and prints the full path", async () => {
    const cwd = tmpDir("here");
    const elsewhere = join(tmpDir("elsewhere"), "app");
    const r = await cli([elsewhere, "--yes", "--no-install", "--no-git"], { cwd });
    expect(r.exitCode).toBe(0);
    expect(str(r.stdout)).toContain(`in ${elsewhere} (wrangler.toml)`);
    expect(existsSync(join(elsewhere, "wrangler.toml"))).toBe(true);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("--force adds only missing files and names the ones it skipped", async () => {
    const cwd = tmpDir("force");
    mkdirSync(join(cwd, "app"));
    writeFileSync(join(cwd, "app/README.md"), "mine\n");
    const r = await cli(["app", "--yes", "--no-install", "--no-git", "--force"], { cwd });
    expect(r.exitCode, str(r.all)).toBe(0);
    expect(str(r.stdout)).toContain("Skipped 1 existing file(s), left as they were: README.md");
    expect(readFileSync(join(cwd, "app/README.md"), "utf8")).toBe("mine\n");
    expect(existsSync(join(cwd, "app/wrangler.toml"))).toBe(true);
    expect(readdirSync(cwd)).toEqual(["app"]);
  });

  it("--dry-run prints the files and writes nothing", async () => {
    const cwd = tmpDir("dry");
    const r = await cli(["app", "--dry-run"], { cwd });
    expect(r.exitCode).toBe(0);
    expect(str(r.stdout)).toMatch(/==> wrangler\.toml[\s\S]*files would be written to .*app \(dry run: nothing written\)/);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe("compatibility dates", () => {
  it("accepts every real day in range, leap days included", () => {
    for (const date of ["2024-02-29", "2022-12-31", "2023-04-30", COMPATIBILITY_DATE]) expect(checkCompatDate(date), date).toBeUndefined();
  });
  it("refuses days a month does not have", () => {
    for (const date of ["2023-02-29", "2023-04-31", "2023-00-10", "2023-06-00"]) expect(checkCompatDate(date), date).toMatch(/real calendar date/);
  });
});
