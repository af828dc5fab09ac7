// Reading a wrangler config (toml, jsonc or json) back into the project model.
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { getNodeValue, type ParseError, parseTree, printParseErrorCode } from "jsonc-parser";
import { type AST, getStaticTOMLValue, parseTOML } from "toml-eslint-parser";
import { CliError, UsageError } from "../errors.ts";
import { type BindingEntry, type Binding, CONFIG_KEY, type ConfigFormat, KINDS, type Kind, type Lang, type Project } from "../model.ts";
import { slugify } from "../validate.ts";
import { COMPATIBILITY_DATE } from "../versions.ts";

export type Table = Record<string, unknown>;

/** The order wrangler itself looks for them in. */
export const CONFIG_FILES = ["wrangler.json", "wrangler.jsonc", "wrangler.toml"];

/** One binding entry to add to the top level (env undefined) or to one environment. */
export interface BindingChange {
  key: string;
  env?: string;
  entry: BindingEntry;
}

export interface ScopedEntry {
  kind: Kind;
  entry: Table;
}

export interface Scope {
  env?: string;
  entries: ScopedEntry[];
}

export interface ProjectConfig {
  dir: string;
  path: string;
  file: string;
  format: ConfigFormat;
  text: string;
  value: Table;
  project: Project;
  /** The top level first, then each environment in the order the config declares them. */
  scopes: Scope[];
}

export const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

export const scopePath = (env?: string): string[] => (env === undefined ? [] : ["env", env]);
export const scopeLabel = (env?: string): string => (env === undefined ? "top level" : `env.${env}`);
/** "at the top level" or "in env.staging", for messages. */
export const inScope = (env?: string): string => (env === undefined ? "at the top level" : `in env.${env}`);

export function formatOf(file: string): ConfigFormat {
  return file.endsWith(".toml") ? "toml" : file.endsWith(".json") ? "json" : "jsonc";
}

export function findConfig(dir: string): string {
  for (const f of CONFIG_FILES) if (existsSync(join(dir, f))) return join(dir, f);
  throw new UsageError(`no wrangler.toml, wrangler.jsonc or wrangler.json in ${dir}: run this inside a Workers project, or pass --cwd`);
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * The syntax tree of a TOML text. `add` meets the same text in several steps (reading the project, finding where
 * to splice, verifying the patched text, reading the result), and parsing is most of its time: the last few trees
 * are kept, keyed by their full text, so each text is parsed once. The trees are only read, never changed.
 */
const tomlTrees = new Map<string, AST.TOMLProgram>();
export function parseTomlTree(text: string): AST.TOMLProgram {
  let tree = tomlTrees.get(text);
  if (!tree) {
    tree = parseTOML(text);
    tomlTrees.set(text, tree);
    if (tomlTrees.size > 4) tomlTrees.delete(tomlTrees.keys().next().value as string);
  }
  return tree;
}

/** The value of each kept tree, made once: like the trees, only ever read (expectedValue() changes a copy). */
const tomlValues = new WeakMap<AST.TOMLProgram, Table>();

/** The parsed value of a config; a CliError naming the file and the place when it does not parse. */
export function parseConfig(text: string, format: ConfigFormat, file = `wrangler.${format}`): Table {
  if (format === "toml") {
    try {
      const tree = parseTomlTree(text);
      let value = tomlValues.get(tree);
      if (!value) {
        value = getStaticTOMLValue(tree) as Table;
        tomlValues.set(tree, value);
      }
      return value;
    } catch (e) {
      const err = e as { message: string; lineNumber?: number; column?: number };
      const where = err.lineNumber ? ` (line ${err.lineNumber}, column ${(err.column ?? 0) + 1})` : "";
      throw new CliError(`${file}: not valid TOML: ${err.message}${where}`);
    }
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length || !root)
    throw new CliError(`${file}: not valid JSON: ${errors.length ? `${printParseErrorCode(errors[0].error).replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()} (${lineCol(text, errors[0].offset)})` : "empty file"}`);
  const value = getNodeValue(root);
  if (!isTable(value)) throw new CliError(`${file}: the top level is not an object`);
  return value;
}

export function getPath(value: unknown, path: string[]): unknown {
  let v = value;
  for (const k of path) v = isTable(v) ? v[k] : undefined;
  return v;
}

/** Equality of parsed config values (plain data, maybe with Dates), ignoring prototypes. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isTable(a) && isTable(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
  }
  return Object.is(a, b);
}

/** The value a config must have after `changes`: the old one plus one entry each, in order. */
export function expectedValue(old: Table, changes: BindingChange | readonly BindingChange[]): Table {
  const copy = structuredClone(old) as Table;
  for (const change of Array.isArray(changes) ? changes : [changes]) {
    let t = copy;
    for (const k of scopePath(change.env)) {
      if (!isTable(t[k])) t[k] = {};
      t = t[k] as Table;
    }
    const list = Array.isArray(t[change.key]) ? (t[change.key] as unknown[]) : (t[change.key] = []);
    (list as unknown[]).push({ ...change.entry });
  }
  return copy;
}

/** Refuses (throws) unless `after` parses to `before` plus exactly the changes (one, or several made at once). */
export function verifyPatch(before: string, after: string, format: ConfigFormat, changes: BindingChange | readonly BindingChange[]): void {
  const list: readonly BindingChange[] = Array.isArray(changes) ? changes : [changes];
  const where = list.map((c) => `${scopeLabel(c.env)}, ${c.key}`).join("; ");
  let parsed: Table;
  try {
    parsed = parseConfig(after, format);
  } catch {
    throw new CliError(`refusing to write: the patched config would not parse (${where}); the file is unchanged`);
  }
  if (!sameValue(parsed, expectedValue(parseConfig(before, format), list)))
    throw new CliError(`refusing to write: the patched config would differ from the old one by more than the new binding (${where}); the file is unchanged`);
}

/**
 * What an existing entry with the same binding name means for a change:
 * "same" when every key of the new entry has the same value (extra keys such as ids are allowed), else "different".
 */
export function existingEntry(value: Table, change: BindingChange): { entry: Table; same: boolean } | undefined {
  const list = getPath(value, [...scopePath(change.env), change.key]);
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw new CliError(`${change.key} ${inScope(change.env)} is not an array`);
  const entry = list.find((e) => isTable(e) && e.binding === change.entry.binding) as Table | undefined;
  if (!entry) return undefined;
  return { entry, same: Object.entries(change.entry).every(([k, v]) => entry[k] === v) };
}

export function conflictMessage(change: BindingChange, existing: Table): string {
  const diff = Object.entries(change.entry)
    .filter(([k, v]) => existing[k] !== v)
    .map(([k, v]) => `${existing[k] === undefined ? `no ${k}` : `${k} ${JSON.stringify(existing[k])}`} there, ${JSON.stringify(v)} asked`);
  return `${change.entry.binding} already exists ${inScope(change.env)} with different settings (${diff.join("; ")})`;
}

function langOf(dir: string, main: unknown): Lang {
  if (typeof main === "string") return main.endsWith(".py") ? "python" : "typescript";
  return existsSync(join(dir, "pyproject.toml")) ? "python" : "typescript";
}

/** A project has the on-prem files (created with --workerd) exactly when it has their workerd config (WORKERD_CONFIG). */
function hasWorkerd(dir: string): boolean {
  return existsSync(join(dir, "workerd", "config.capnp"));
}

function scopeEntries(t: unknown): ScopedEntry[] {
  const out: ScopedEntry[] = [];
  for (const kind of KINDS) {
    const list = isTable(t) ? t[CONFIG_KEY[kind]] : undefined;
    if (Array.isArray(list)) for (const entry of list) if (isTable(entry)) out.push({ kind, entry });
  }
  return out;
}

/** The model of a project read from config text (the file's own when `text` is not given). */
export function readProject(dirArg: string, text?: string): ProjectConfig {
  const dir = resolve(dirArg);
  const path = findConfig(dir);
  const file = basename(path);
  const format = formatOf(file);
  const source = text ?? readFileSync(path, "utf8");
  const value = parseConfig(source, format, file);
  const envs = isTable(value.env) ? Object.keys(value.env) : [];
  const scopes: Scope[] = [{ entries: scopeEntries(value) }, ...envs.map((env) => ({ env, entries: scopeEntries(getPath(value, ["env", env])) }))];
  const bindings: Binding[] = [];
  for (const s of scopes)
    for (const { kind, entry } of s.entries)
      if (typeof entry.binding === "string" && !bindings.some((b) => b.kind === kind && b.name === entry.binding))
        bindings.push({ kind, name: entry.binding });
  const project: Project = {
    name: typeof value.name === "string" ? value.name : slugify(basename(dir)),
    lang: langOf(dir, value.main),
    bindings,
    envs,
    config: format,
    ci: existsSync(join(dir, ".github", "workflows")) ? "github" : "none",
    workerd: hasWorkerd(dir),
    compatDate: typeof value.compatibility_date === "string" ? value.compatibility_date : COMPATIBILITY_DATE,
  };
  return { dir, path, file, format, text: source, value, project, scopes };
}
