// Handlebars templates precompiled by the build (dist/templates.cjs), which saves compiling them on every run.
// The plain files in templates/ stay the source of truth: a precompiled template is used only while the file's
// text still has the length and CRC-32 it was built from; any other template is compiled when first rendered.
import { createRequire } from "node:module";
import { join, sep } from "node:path";
import { crc32 } from "node:zlib";

interface Precompiled {
  /** sourceKey() of the text it was compiled from. */
  key: string;
  spec: TemplateSpecification;
}

/** Identifies a template's text (.ci/build.mjs computes the same): its length and CRC-32. */
export function sourceKey(source: string): string {
  return `${source.length}:${crc32(source).toString(16)}`;
}

let table: Record<string, Precompiled> | null | undefined;

/** The precompiled form of `file` (a path under `<root>/templates`) when it was built from this `source`. */
export function precompiledTemplate(root: string, file: string, source: string): TemplateSpecification | undefined {
  if (table === undefined) {
    try {
      table = createRequire(import.meta.url)(join(root, "dist", "templates.cjs")) as Record<string, Precompiled>;
    } catch {
      table = null;
    }
  }
  const dir = join(root, "templates") + sep;
  if (!table || !file.startsWith(dir)) return undefined;
  const entry = table[file.slice(dir.length).split(sep).join("/")];
  return entry && entry.key === sourceKey(source) ? entry.spec : undefined;
}
