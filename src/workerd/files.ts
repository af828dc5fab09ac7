// The derived on-prem files of a project: workerd/config.capnp, from the parsed wrangler config
// and two facts about its files (secret names, Python modules). The static ones (run.mjs, r2.js, ...) are
// templates in templates/features/workerd/.
import { entryFile, type Project } from "../model.ts";
import type { PlannedFile } from "../render.ts";
import { secretNames, WORKERD_CONFIG, workerdConfig } from "./config.ts";

export const DEV_VARS_EXAMPLE = ".dev.vars.example";

/**
 * `read` answers a project file's text (or undefined), `list` the project's file paths:
 * the planned files for `create`, the disk for `add`. `value` is the parsed wrangler config;
 * without it, the one `create` writes for `p`.
 */
export function workerdFiles(p: Project, read: (path: string) => string | undefined, list: () => string[], value?: Record<string, unknown>): PlannedFile[] {
  if (!p.workerd) return [];
  const pythonModules = p.lang === "python" ? list().filter((f) => /^src\/.+\.py$/.test(f) && !f.includes("/__pycache__/")) : undefined;
  if (pythonModules && !pythonModules.includes(entryFile(p.lang))) pythonModules.push(entryFile(p.lang));
  const content = workerdConfig(p, { secrets: secretNames(read(DEV_VARS_EXAMPLE)), pythonModules }, value);
  return [{ path: WORKERD_CONFIG, content }];
}
