import type { Project } from "../model.ts";
import { type PackageContribution, pin } from "./package-json.ts";

export function pythonPackage(_p: Project): PackageContribution {
  return {
    scripts: {
      dev: "uv run pywrangler dev",
      deploy: "uv run pywrangler deploy",
      test: "uv run pytest",
    },
    devDependencies: pin("wrangler"),
  };
}
