// Adds one binding entry to a wrangler.jsonc or wrangler.json by splicing text at places the parser finds.
// jsonc-parser's own `modify` reformats whole lines around an insertion, so it is used only for parsing here.
import { findNodeAtLocation, type Node, parseTree } from "jsonc-parser";
import { UsageError } from "../errors.ts";
import type { ConfigFormat } from "../model.ts";
import { type BindingChange, conflictMessage, existingEntry, parseConfig, inScope, scopePath, type Table, verifyPatch } from "./read.ts";
import { appendItem, detectEol, detectIndentUnit, indentAt } from "./splice.ts";

interface Style {
  eol: string;
  unit: string;
  colon: string;
}

function detectStyle(text: string): Style {
  return { eol: detectEol(text), unit: detectIndentUnit(text), colon: /"\s*:[ \t]/.test(text) || !/"\s*:/.test(text) ? ": " : ":" };
}

/** `{ "binding": "X" }` on one line (with the given inner padding), or one key per line. */
function objectText(entry: Table, style: Style, indent: string | undefined, pad = " "): string {
  const props = Object.entries(entry).map(([k, v]) => `${JSON.stringify(k)}${style.colon}${JSON.stringify(v)}`);
  if (indent === undefined) return `{${pad}${props.join(", ")}${pad}}`;
  const inner = indent + style.unit;
  return `{${style.eol}${props.map((p) => inner + p).join(`,${style.eol}`)}${style.eol}${indent}}`;
}

const seqOf = (n: Node) => {
  const last = n.children?.[n.children.length - 1];
  return { open: n.offset, close: n.offset + n.length - 1, last: last && ([last.offset, last.offset + last.length] as [number, number]) };
};

const multiline = (text: string, n: Node) => text.slice(n.offset, n.offset + n.length).includes("\n");

function insertEntry(text: string, root: Node, change: BindingChange, style: Style): string {
  const scope = scopePath(change.env);
  const array = findNodeAtLocation(root, [...scope, change.key]);
  if (array) {
    if (array.type !== "array") throw new UsageError(`${change.key} ${inScope(change.env)} is not an array`);
    const last = array.children?.[array.children.length - 1];
    // Follow the last entry: one line or several, and its padding inside the braces.
    const oneLine = last ? !multiline(text, last) : !multiline(text, array);
    const pad = last && text[last.offset + 1] !== " " ? "" : " ";
    return appendItem(text, seqOf(array), style.eol, (indent) =>
      oneLine ? objectText(change.entry, style, undefined, pad) : objectText(change.entry, style, indent || indentAt(text, array.offset) + style.unit),
    );
  }
  const obj = scope.length ? findNodeAtLocation(root, scope) : root;
  if (!obj || obj.type !== "object") throw new UsageError(`no environment "${change.env}" in the config`);
  const key = JSON.stringify(change.key);
  // At the top level, new arrays go before "env" so that the environments stay last.
  const envIndex = scope.length ? -1 : (obj.children ?? []).findIndex((p) => p.children?.[0]?.value === "env");
  const props = envIndex > 0 ? obj.children?.slice(0, envIndex) : obj.children;
  const lastProp = props?.[props.length - 1];
  if (!multiline(text, obj) || !lastProp) {
    const item = `${key}${style.colon}[${objectText(change.entry, style, undefined)}]`;
    return appendItem(text, seqOf(obj), style.eol, () => (lastProp ? item : ` ${item} `));
  }
  const seq = envIndex > 0 ? { ...seqOf(obj), close: obj.children![envIndex].offset } : seqOf(obj);
  return appendItem(text, { ...seq, last: lastProp && [lastProp.offset, lastProp.offset + lastProp.length] }, style.eol, (indent) => {
    const inner = indent + style.unit;
    return `${key}${style.colon}[${style.eol}${inner}${objectText(change.entry, style, inner)}${style.eol}${indent}]`;
  });
}

/** The config text with `change` applied, or "unchanged" when the same binding is already there. */
export function patchJsonc(text: string, change: BindingChange, format: ConfigFormat = "jsonc"): string {
  const value = parseConfig(text, format);
  const existing = existingEntry(value, change);
  if (existing?.same) return "unchanged";
  if (existing) throw new UsageError(conflictMessage(change, existing.entry));
  const root = parseTree(text, [], { allowTrailingComma: true }) as Node;
  const out = insertEntry(text, root, change, detectStyle(text));
  verifyPatch(text, out, format, change);
  return out;
}

/**
 * `text` with each change made on its own, every one placed from the same parse of `text`; not verified, and
 * not checked for entries already there: for patchConfig() (patch.ts), which merges and verifies them.
 */
export function insertEachJsonc(text: string, changes: readonly BindingChange[]): string[] {
  const root = parseTree(text, [], { allowTrailingComma: true }) as Node;
  const style = detectStyle(text);
  return changes.map((change) => insertEntry(text, root, change, style));
}
