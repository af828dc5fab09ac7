// A folder's files and their text, to compare two generated projects.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export function tree(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, tree(path, base));
    else out[relative(base, path)] = readFileSync(path, "utf8");
  }
  return out;
}
