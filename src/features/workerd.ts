import type { Project } from "../model.ts";
import { type PackageContribution, pin } from "./package-json.ts";

export function workerdPackage(_p: Project): PackageContribution {
  return {
    scripts: {},
    devDependencies: pin("workerd"),
  };
}
