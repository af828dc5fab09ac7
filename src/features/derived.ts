// Files derived from the wrangler config, brought up to date by `add` after it changes the config.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { findConfig, formatOf, parseConfig, type Table } from "../config/read.ts";
import type { Project } from "../model.ts";
import type { PlannedFile } from "../render.ts";
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
  const read = (path: string) => {
    const f = join(projectDir, path);
    return existsSync(f) ? readFileSync(f, "utf8") : undefined;
  };
  // project.workerd: the project has workerd/config.capnp (created with --workerd).
  if (!project.workerd) return [];
  const config = value ?? configOnDisk(projectDir);
  return workerdFiles(project, read, () => listSrc(projectDir), config);
}

function configOnDisk(dir: string): Table {
  const path = findConfig(dir);
  return parseConfig(readFileSync(path, "utf8"), formatOf(path), path);
}
