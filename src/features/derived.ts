// Files derived from the wrangler config, brought up to date by `add` after it changes the config.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Project } from "../model.ts";
import type { PlannedFile } from "../render.ts";
import { WORKERD_CONFIG } from "../workerd/config.ts";
import { workerdFiles } from "../workerd/files.ts";

function listSrc(dir: string): string[] {
  const src = join(dir, "src");
  if (!existsSync(src)) return [];
  return (readdirSync(src, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"));
}

/** The derived files a project on disk should have, given its (re-read) model. */
export function derivedFiles(project: Project, projectDir: string): PlannedFile[] {
  // A project has on-prem files when it was created with --workerd, whatever the re-read model says.
  const workerd = project.workerd || existsSync(join(projectDir, WORKERD_CONFIG));
  const read = (path: string) => {
    const f = join(projectDir, path);
    return existsSync(f) ? readFileSync(f, "utf8") : undefined;
  };
  return workerdFiles({ ...project, workerd }, read, () => listSrc(projectDir));
}
