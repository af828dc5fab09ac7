import type { Project } from "../model.ts";
import { WORKERD_BUNDLE_DIR } from "../workerd/config.ts";
import { type PackageContribution, pin } from "./package-json.ts";

/** On-prem scripts; extra arguments pass through (`npm run start:workerd -- --env staging`). */
export function workerdPackage(_p: Project): PackageContribution {
  return {
    scripts: {
      "build:workerd": `wrangler deploy --dry-run --outdir ${WORKERD_BUNDLE_DIR}`,
      "start:workerd": "node workerd/run.mjs serve",
      "compile:workerd": "node workerd/run.mjs compile",
    },
    devDependencies: pin("workerd"),
  };
}
