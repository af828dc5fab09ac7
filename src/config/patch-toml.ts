// Adds one binding entry to a wrangler.toml by splicing text at places the parser finds; never re-serialises.
import { type AST, traverseNodes } from "toml-eslint-parser";
import { UsageError } from "../errors.ts";
import { CONFIG_KEY, KINDS } from "../model.ts";
import { type BindingChange, conflictMessage, existingEntry, inScope, parseConfig, parseTomlTree, scopePath, type Table, verifyPatch } from "./read.ts";
import { appendItem, detectEol, indentAt, lineEnd, lineStart, splice } from "./splice.ts";

type KeyValue = AST.TOMLKeyValue;
type TomlTable = AST.TOMLTable;

const BINDING_KEYS = new Set(KINDS.map((k) => CONFIG_KEY[k]));

const keyName = (k: AST.TOMLBare | AST.TOMLQuoted) => (k.type === "TOMLBare" ? k.name : k.value);
const samePath = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const startsWith = (a: readonly unknown[], prefix: readonly unknown[]) => prefix.every((x, i) => a[i] === x);
const bareOrQuoted = (k: string) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k));

/** The full key path of a key/value, or undefined inside an array. */
function kvPath(kv: KeyValue): string[] | undefined {
  const keys = kv.key.keys.map(keyName);
  const p = kv.parent;
  if (p.type === "TOMLTopLevelTable") return keys;
  if (p.type === "TOMLTable") return [...p.resolvedKey.map(String), ...keys];
  if (p.parent.type !== "TOMLKeyValue") return undefined;
  const outer = kvPath(p.parent);
  return outer && [...outer, ...keys];
}

interface Doc {
  text: string;
  ast: AST.TOMLProgram;
  eol: string;
  tables: TomlTable[];
  kvs: { kv: KeyValue; path: string[] }[];
  inlineTables: AST.TOMLInlineTable[];
}

function load(text: string): Doc {
  const ast = parseTomlTree(text);
  const tables = ast.body[0].body.filter((n): n is TomlTable => n.type === "TOMLTable");
  const kvs: Doc["kvs"] = [];
  const inlineTables: AST.TOMLInlineTable[] = [];
  traverseNodes(ast, {
    enterNode(node) {
      if (node.type === "TOMLInlineTable") inlineTables.push(node);
      if (node.type !== "TOMLKeyValue") return;
      const path = kvPath(node);
      if (path) kvs.push({ kv: node, path });
    },
    leaveNode() {},
  });
  return { text, ast, eol: detectEol(text), tables, kvs, inlineTables };
}

/** How the file writes things, taken from its own entries. */
interface Style {
  literal: boolean;
  eq: string;
  braceSpace: string;
  sep: string;
  blankBetweenTables: boolean;
  inlineArrays: boolean;
}

function detectStyle(doc: Doc): Style {
  const { text, kvs, tables } = doc;
  const bindingKv = (p: string[]) => p.some((k) => BINDING_KEYS.has(k));
  const strings = kvs.filter(({ kv }) => kv.value.type === "TOMLValue" && kv.value.kind === "string");
  const ref = strings.find(({ path }) => bindingKv(path)) ?? strings[0];
  const literal = ref ? text[ref.kv.value.range[0]] === "'" : false;
  const eqRef = ref?.kv ?? kvs[0]?.kv;
  const eq = eqRef ? text.slice(eqRef.key.range[1], eqRef.value.range[0]) : " = ";
  const inline = doc.inlineTables.find((t) => t.body.length);
  const braceSpace = inline && text[inline.range[0] + 1] !== " " ? "" : " ";
  const sep = inline && inline.body.length > 1 ? text.slice(inline.body[0].range[1], inline.body[1].range[0]) : ", ";
  let blank = 0;
  for (const t of tables) {
    const lines = text.slice(0, lineStart(text, t.range[0])).split(/\r?\n/);
    lines.pop();
    while (lines.length && /^\s*#/.test(lines[lines.length - 1])) lines.pop();
    blank += !lines.length || lines[lines.length - 1].trim() === "" ? 1 : -1;
  }
  const inlineArrays = kvs.some(({ kv, path }) => BINDING_KEYS.has(path[path.length - 1]) && kv.value.type === "TOMLArray");
  const arrayTables = tables.some((t) => t.kind === "array" && BINDING_KEYS.has(String(t.resolvedKey[t.resolvedKey.length - 2])));
  return { literal, eq, braceSpace, sep: /^,[ \t]*$/.test(sep) ? sep : ", ", blankBetweenTables: blank >= 0, inlineArrays: inlineArrays && !arrayTables };
}

function str(s: string, style: Style): string {
  return style.literal && !/['\n\r]/.test(s) ? `'${s}'` : JSON.stringify(s);
}

function inlineTable(entry: Table, style: Style): string {
  const body = Object.entries(entry).map(([k, v]) => `${k}${style.eq}${str(String(v), style)}`);
  return `{${style.braceSpace}${body.join(style.sep)}${style.braceSpace}}`;
}

/** Insert a `[[path]]` block after `after` (a table, or a key/value line). */
function insertTableBlock(doc: Doc, path: string[], entry: Table, style: Style, after: { range: [number, number] } | undefined, ref?: TomlTable): string {
  const { text, eol } = doc;
  const headerIndent = ref ? indentAt(text, ref.range[0]) : "";
  const keyIndent = ref?.body[0] ? indentAt(text, ref.body[0].range[0]) : headerIndent;
  const header = `${headerIndent}[[${path.map(bareOrQuoted).join(".")}]]`;
  const body = Object.entries(entry).map(([k, v]) => `${keyIndent}${k}${style.eq}${str(String(v), style)}`);
  const block = [header, ...body].join(eol);
  if (!after) {
    // Nothing to follow: the start of an empty file, or after its last line.
    if (!text.trim()) return splice(text, 0, `${block}${eol}`);
    return splice(text, text.length, `${/\n$/.test(text) ? "" : eol}${style.blankBetweenTables ? eol : ""}${block}${/\n$/.test(text) ? eol : ""}`);
  }
  return splice(text, lineEnd(text, after.range[1]), `${eol}${style.blankBetweenTables ? eol : ""}${block}`);
}

function arraySeq(text: string, arr: AST.TOMLArray | AST.TOMLInlineTable) {
  const items: { range: [number, number] }[] = arr.type === "TOMLArray" ? arr.elements : arr.body;
  const last = items[items.length - 1];
  const sep = items.length > 1 ? text.slice(items[items.length - 2].range[1], last.range[0]) : ", ";
  return { open: arr.range[0], close: arr.range[1] - 1, last: last?.range, sep: /^,[ \t]*$/.test(sep) ? sep : ", " };
}

/** A new `key = [ {...} ]` line after `after`, or at the start of the body of `table`. */
function insertKeyValueLine(doc: Doc, prefix: string[], key: string, entry: Table, style: Style, after: { range: [number, number] }): string {
  const line = `${[...prefix, key].map(bareOrQuoted).join(".")}${style.eq}[${style.braceSpace}${inlineTable(entry, style)}${style.braceSpace}]`;
  return splice(doc.text, lineEnd(doc.text, after.range[1]), `${doc.eol}${indentAt(doc.text, after.range[0])}${line}`);
}

function insertEntry(doc: Doc, change: BindingChange, style: Style): string {
  const scope = scopePath(change.env);
  const target = [...scope, change.key];
  const { text, tables, kvs } = doc;

  // 1. The array exists: as [[blocks]] or as an inline array.
  const blocks = tables.filter((t) => t.kind === "array" && samePath(t.resolvedKey.slice(0, -1), target));
  if (blocks.length) {
    const last = blocks[blocks.length - 1];
    return insertTableBlock(doc, target, change.entry, style, last, last);
  }
  const inline = kvs.find(({ path }) => samePath(path, target));
  if (inline) {
    if (inline.kv.value.type !== "TOMLArray") throw new UsageError(`${change.key} ${inScope(change.env)} is not an array`);
    return appendItem(text, arraySeq(text, inline.kv.value), doc.eol, () => inlineTable(change.entry, style));
  }

  // 2. A new array in the scope.
  const scopeTables = tables.filter((t) => startsWith(t.resolvedKey, scope) && (scope.length || t.resolvedKey[0] !== "env"));
  const own = tables.find((t) => t.kind === "standard" && samePath(t.resolvedKey, scope));
  if (!scope.length) {
    const firstEnv = tables.find((t) => t.resolvedKey[0] === "env");
    const before = scopeTables.filter((t) => !firstEnv || t.range[0] < firstEnv.range[0]);
    const rootKvs = kvs.filter(({ kv }) => kv.parent.type === "TOMLTopLevelTable");
    const lastRoot = rootKvs[rootKvs.length - 1]?.kv;
    if (style.inlineArrays && lastRoot) return insertKeyValueLine(doc, [], change.key, change.entry, style, lastRoot);
    const ref = before[before.length - 1];
    return insertTableBlock(doc, target, change.entry, style, ref ?? lastRoot, ref);
  }
  if (own && style.inlineArrays) {
    const after = own.body[own.body.length - 1] ?? own.key;
    return insertKeyValueLine(doc, [], change.key, change.entry, style, after);
  }
  if (scopeTables.length) {
    const last = scopeTables.reduce((a, b) => (b.range[0] > a.range[0] ? b : a));
    return insertTableBlock(doc, target, change.entry, style, last, last);
  }
  // The environment is an inline table (`staging = { ... }`) or dotted keys (`staging.vars.X = 1`).
  const asInline = kvs.find(({ path }) => samePath(path, scope));
  if (asInline?.kv.value.type === "TOMLInlineTable") {
    const item = `${change.key}${style.eq}[${inlineTable(change.entry, style)}]`;
    return appendItem(text, arraySeq(text, asInline.kv.value), doc.eol, () => item);
  }
  const dotted = kvs.filter(({ path, kv }) => startsWith(path, scope) && kv.parent.type !== "TOMLInlineTable");
  const lastDotted = dotted[dotted.length - 1];
  if (lastDotted) {
    const keys = lastDotted.kv.key.keys.map(keyName);
    const prefix = keys.slice(0, keys.length - (lastDotted.path.length - scope.length));
    return insertKeyValueLine(doc, prefix, change.key, change.entry, style, lastDotted.kv);
  }
  throw new UsageError(`no environment "${change.env}" in the config`);
}

/** The config text with `change` applied, or "unchanged" when the same binding is already there. */
export function patchToml(text: string, change: BindingChange): string {
  const doc = load(text);
  const value = parseConfig(text, "toml");
  const existing = existingEntry(value, change);
  if (existing?.same) return "unchanged";
  if (existing) throw new UsageError(conflictMessage(change, existing.entry));
  const out = insertEntry(doc, change, detectStyle(doc));
  verifyPatch(text, out, "toml", change);
  return out;
}

/**
 * `text` with each change made on its own, every one placed from the same parse of `text`; not verified, and
 * not checked for entries already there: for patchConfig() (patch.ts), which merges and verifies them.
 */
export function insertEachToml(text: string, changes: readonly BindingChange[]): string[] {
  const doc = load(text);
  const style = detectStyle(doc);
  return changes.map((change) => insertEntry(doc, change, style));
}
