// git after create: a first commit of the new project only, never of files the user already had.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { cli, toolEnv } from "../support/cli.ts";

// Outside this checkout: inside it, every project would be "inside an existing repository".
const made: string[] = [];
const tmpDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), `cew-${prefix}-`));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const identity = { GIT_CONFIG_COUNT: "2", GIT_CONFIG_KEY_0: "user.name", GIT_CONFIG_VALUE_0: "Test", GIT_CONFIG_KEY_1: "user.email", GIT_CONFIG_VALUE_1: "test@example.com" };
const noIdentity = { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_COUNT: "0" };
const git = (cwd: string, ...args: string[]) => execa("git", args, { cwd, env: identity, reject: false });

describe("git init after create", () => {
  it("commits the new project", async () => {
    const dir = join(tmpDir("git"), "app");
    const r = await cli([dir, "--yes", "--no-install"], { env: toolEnv(identity) });
    expect(r.exitCode, String(r.all)).toBe(0);
    expect((await git(dir, "log", "--format=%s")).stdout).toBe("Initial commit from create-edge-worker");
    expect((await git(dir, "ls-files")).stdout.split("\n")).toContain("wrangler.toml");
    expect((await git(dir, "status", "--porcelain")).stdout).toBe("");
  });

  it("with --force, leaves the files that were already there out of the commit", async () => {
    const dir = join(tmpDir("git"), "app");
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, "notes.txt"), "mine\n");
    writeFileSync(join(dir, "src/draft.py"), "x = 1\n");
    const r = await cli([dir, "--yes", "--no-install", "--force"], { env: toolEnv(identity) });
    expect(r.exitCode, String(r.all)).toBe(0);
    const tracked = (await git(dir, "ls-files")).stdout.split("\n");
    expect(tracked).toContain("src/entry.py");
    expect(tracked).not.toContain("notes.txt");
    expect(tracked).not.toContain("src/draft.py");
    expect((await git(dir, "status", "--porcelain")).stdout).toContain("?? notes.txt");
  });

  it("inside an existing repository, touches neither its index nor its history", async () => {
    const repo = tmpDir("git");
    await git(repo, "init", "-q");
    writeFileSync(join(repo, "dirty.txt"), "uncommitted\n");
    const r = await cli([join(repo, "app"), "--yes", "--no-install"], { env: toolEnv(identity) });
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(r.stdout).toContain("skipped git init");
    expect((await git(repo, "log")).exitCode).not.toBe(0); // still no commits
    expect((await git(repo, "diff", "--cached", "--name-only")).stdout).toBe("");
  });

  it("without a git identity, stages the project and says how to commit", async () => {
    const dir = join(tmpDir("git"), "app");
    const r = await cli([dir, "--yes", "--no-install"], { env: toolEnv(noIdentity) });
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(r.stdout).toContain("set user.name and user.email, then commit");
    const status = await execa("git", ["status", "--porcelain"], { cwd: dir, env: noIdentity });
    expect(status.stdout).toContain("A  wrangler.toml");
  });
});
