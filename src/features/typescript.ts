import type { Project } from "../model.ts";
import { type PackageContribution, pin } from "./package-json.ts";

export function typescriptPackage(_p: Project): PackageContribution {
  return {
    scripts: {
      dev: "wrangler dev",
      deploy: "wrangler deploy",
      test: "vitest run",
      "cf-typegen": "wrangler types",
    },
    devDependencies: { ...pin("wrangler"), ...pin("@cloudflare/vitest-plugin"), ...pin("vitest"), ...pin("typescript") },
  };
}
