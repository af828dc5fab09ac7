// Files derived from the wrangler config, brought up to date by `add` after it changes the config.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { findConfig, formatOf, parseConfig, type Table } from "../config/read.ts";
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

/**
 * The derived files a project on disk should have, given its (re-read) model and the parsed wrangler
 * config they derive from: `add` passes the value it is about to write; without one, the file on disk is read.
 */
export function derivedFiles(project: Project, projectDir: string, value?: Table): PlannedFile[] {
  // A project has on-prem files when it was created with --workerd, whatever the re-read model says.
  const workerd = project.workerd || existsSync(join(projectDir, WORKERD_CONFIG));
  const read = (path: string) => {
    const f = join(projectDir, path);
    return existsSync(f) ? readFileSync(f, "utf8") : undefined;
  };
  if (!workerd) return [];
  const config = value ?? configOnDisk(projectDir);
  return workerdFiles({ ...project, workerd }, read, () => listSrc(projectDir), config);
}

function configOnDisk(dir: string): Table {
  const path = findConfig(dir);
  return parseConfig(readFileSync(path, "utf8"), formatOf(path), path);
}
