// The default path: create installs dependencies, generates types and makes the first commit itself,
// and the project it leaves passes its own checks with no further step.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { cli, run, toolEnv } from "../support/cli.ts";

// Outside this checkout, so that git init is not skipped as "inside an existing repository".
const parent = mkdtempSync(join(tmpdir(), "cew-install-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const identity = { GIT_CONFIG_COUNT: "2", GIT_CONFIG_KEY_0: "user.name", GIT_CONFIG_VALUE_0: "Test", GIT_CONFIG_KEY_1: "user.email", GIT_CONFIG_VALUE_1: "test@example.com" };

describe("create with install and git (the defaults)", () => {
  const dir = join(parent, "app");

  it("installs, generates types and commits everything, lockfile included", async () => {
    const r = await cli([dir, "--yes", "--pm", "npm", "--lang", "typescript", "--kv", "CACHE", "--d1", "DB"], { env: toolEnv(identity) });
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(r.stderr).toContain("Installing dependencies with npm: done");
    expect(r.stderr).toContain("Generating types (wrangler types): done");
    expect(existsSync(join(dir, "node_modules/.bin/wrangler"))).toBe(true);
    // Next steps no longer name what create already did.
    expect(r.stdout).not.toMatch(/^\s+npm install$/m);
    expect(r.stdout).not.toContain("cf-typegen");
    const files = (await execa("git", ["ls-files"], { cwd: dir })).stdout.split("\n");
    expect(files).toEqual(expect.arrayContaining(["package-lock.json", "worker-configuration.d.ts", "src/index.ts"]));
    expect(files.some((f) => f.startsWith("node_modules/"))).toBe(false);
    expect((await execa("git", ["status", "--porcelain"], { cwd: dir })).stdout).toBe("");
  });

  it("leaves a project whose own checks pass as it stands", async () => {
    await run("npm", ["test"], dir);
    await run("npm", ["run", "typecheck"], dir);
    await run("npm", ["run", "lint"], dir);
    await run("npx", ["wrangler", "types", "--check"], dir);
  });
});
