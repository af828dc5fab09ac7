// What both create and add need from the package itself, kept apart from rendering (and so from handlebars).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PackageManager } from "./model.ts";
import { WRANGLER_MIN_NODE } from "./versions.ts";

let root: string | undefined;

/** The package root, found once by walking up from this module (it runs from src/ in tests and from dist/ when built). */
export function packageRoot(): string {
  root ??= findRoot();
  return root;
}

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "templates")) || !existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("templates folder not found");
    dir = up;
  }
  return dir;
}

/** The commands of a package manager, as generated READMEs and next steps spell them. */
export function pmCommands(pm: PackageManager) {
  return {
    name: pm,
    install: `${pm} install`,
    run: pm === "npm" ? "npm run" : pm,
    exec: { npm: "npx", pnpm: "pnpm exec", yarn: "yarn", bun: "bunx" }[pm],
  };
}

export function nodeIsTooOldForWrangler(version = process.versions.node): boolean {
  const [a, b] = version.split(".").map(Number);
  const [x, y] = WRANGLER_MIN_NODE.split(".").map(Number);
  return a < x || (a === x && b < y);
}
