// One npm install per set of devDependencies, kept across runs and shared by generated projects.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, run } from "./cli.ts";

/** Gives a generated project a node_modules symlink to an install of its exact devDependencies. */
export async function linkNodeModules(dir: string): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const key = createHash("sha256").update(JSON.stringify(pkg.devDependencies)).digest("hex").slice(0, 16);
  const cache = join(ROOT, "test/.tmp/npm", key);
  if (!existsSync(join(cache, "node_modules/.bin/wrangler"))) {
    // Install beside the cache and rename, so a half-finished install is never taken for a whole one.
    const staging = `${cache}.${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, "package.json"), JSON.stringify({ private: true, devDependencies: pkg.devDependencies, allowScripts: pkg.allowScripts }));
    await run("npm", ["install", "--no-audit", "--no-fund"], staging);
    rmSync(cache, { recursive: true, force: true });
    renameSync(staging, cache);
  }
  symlinkSync(join(cache, "node_modules"), join(dir, "node_modules"), "dir");
}
