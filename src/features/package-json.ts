// The generated package.json: each language and feature contributes its scripts and dependencies.
import type { Project } from "../model.ts";
import { npm } from "../versions.ts";
import { pythonPackage } from "./python.ts";
import { typescriptPackage } from "./typescript.ts";
import { workerdPackage } from "./workerd.ts";

export interface PackageContribution {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The exact version pinned in src/versions.ts for an npm package. */
export const pin = (name: keyof typeof npm) => ({ [name]: npm[name] });

function merge(parts: PackageContribution[]): Required<PackageContribution> {
  const out = { scripts: {}, dependencies: {}, devDependencies: {} };
  for (const p of parts) {
    Object.assign(out.scripts, p.scripts);
    Object.assign(out.dependencies, p.dependencies);
    Object.assign(out.devDependencies, p.devDependencies);
  }
  return out;
}

// Code-unit order (npm package names are lower case); localeCompare would load ICU collation data on every run.
const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export function packageJson(p: Project): string {
  const parts = [p.lang === "python" ? pythonPackage(p) : typescriptPackage(p)];
  if (p.workerd) parts.push(workerdPackage(p));
  const { scripts, dependencies, devDependencies } = merge(parts);
  // Local D1 starts empty: apply the migrations first, so the first `dev` serves the tables.
  const d1 = p.bindings.filter((b) => b.kind === "d1");
  if (d1.length) scripts.dev = [...d1.map((b) => `wrangler d1 migrations apply ${b.name} --local`), scripts.dev].join(" && ");
  const pkg: Record<string, unknown> = {
    name: p.name,
    version: "0.0.0",
    private: true,
    type: "module",
    scripts,
  };
  if (Object.keys(dependencies).length) pkg.dependencies = sorted(dependencies);
  pkg.devDependencies = sorted(devDependencies);
  // npm asks before running these packages' install scripts; they fetch nothing, they unpack binaries.
  pkg.allowScripts = { esbuild: true, workerd: true };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
