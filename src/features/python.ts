import type { Project } from "../model.ts";
import { type PackageContribution, pin } from "./package-json.ts";

// Python tooling (pywrangler, pytest, ruff) is pinned in pyproject.toml and run through uv;
// package.json holds wrangler and the commands, so every project starts with `npm run <x>`.
// pyright runs on Node, so it is an npm package; `uv run` puts .venv's python first on PATH, where
// pyright finds pytest and workers-runtime-sdk ([tool.pyright] in pyproject.toml).
export function pythonPackage(_p: Project): PackageContribution {
  return {
    scripts: {
      dev: "uv run pywrangler dev",
      deploy: "uv run pywrangler deploy",
      test: "uv run pytest",
      lint: "uv run ruff check && uv run ruff format --check",
      format: "uv run ruff format && uv run ruff check --fix",
      typecheck: "uv run pyright",
    },
    devDependencies: { ...pin("wrangler"), ...pin("pyright") },
  };
}
