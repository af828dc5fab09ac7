// Files derived from the wrangler config, brought up to date by `add` after it changes the config.
import type { Project } from "../model.ts";
import type { PlannedFile } from "../render.ts";

/** The derived files a project on disk should have, given its (re-read) model. */
export function derivedFiles(_project: Project, _projectDir: string): PlannedFile[] {
  return [];
}
