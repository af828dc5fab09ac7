// Text splicing shared by the TOML and JSONC patchers: they find positions with a parser, this inserts text there.

export const detectEol = (text: string): string => (text.includes("\r\n") ? "\r\n" : "\n");

export function splice(text: string, at: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at);
}

/** Offset of the end of the line holding `pos`, before its line break (or the end of the text). */
export function lineEnd(text: string, pos: number): number {
  let i = text.indexOf("\n", pos);
  if (i === -1) return text.length;
  if (text[i - 1] === "\r") i--;
  return i;
}

export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf("\n", pos - 1) + 1;
}

/** The whitespace that starts the line holding `pos`. */
export function indentAt(text: string, pos: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, pos)))?.[0] ?? "";
}

/** One level of indentation as the file uses it: a tab, or the smallest run of leading spaces (default two). */
export function detectIndentUnit(text: string): string {
  let spaces = 0;
  for (const line of text.split("\n")) {
    const m = /^([ \t]+)\S/.exec(line);
    if (!m) continue;
    if (m[1].startsWith("\t")) return "\t";
    if (!spaces || m[1].length < spaces) spaces = m[1].length;
  }
  return " ".repeat(spaces || 2);
}

export interface Sequence {
  /** Offset of the opening bracket or brace. */
  open: number;
  /** Offset of the closing bracket or brace. */
  close: number;
  /** Range of the last item, if any. */
  last?: [number, number];
  /** What separates items on one line (default ", "). */
  sep?: string;
}

/**
 * Appends an item to an array or object in place, keeping a trailing comma if there is one and
 * any comment after the last item on its line. `render` gets the indentation of the new item's line
 * ("" when the sequence is on one line).
 */
export function appendItem(text: string, seq: Sequence, eol: string, render: (indent: string) => string): string {
  if (!seq.last) return splice(text, seq.open + 1, render(""));
  const [start, end] = seq.last;
  let p = end;
  while (text[p] === " " || text[p] === "\t") p++;
  const hasComma = text[p] === ",";
  const afterItem = hasComma ? p + 1 : end;
  if (!text.slice(seq.open, end).includes("\n")) {
    const sep = seq.sep ?? ", ";
    return splice(text, afterItem, hasComma ? `${sep.slice(1)}${render("")},` : `${sep}${render("")}`);
  }
  const indent = indentAt(text, start);
  const eolAt = lineEnd(text, afterItem);
  const at = seq.close < eolAt ? afterItem : eolAt;
  const out = splice(text, at, `${eol}${indent}${render(indent)}${hasComma ? "," : ""}`);
  return hasComma ? out : splice(out, end, ",");
}

/**
 * Several patches of one text, each made on its own from the same parse, as one text: each patch's changed span
 * (what lies between the prefix and the suffix it shares with `text`) replaces that span of `text`.
 * undefined when two spans touch or overlap: their order would then be a guess, and the caller patches one
 * change after another instead. The caller verifies the result as a whole.
 */
export function mergePatches(text: string, patched: readonly string[]): string | undefined {
  const spans = patched.map((out) => {
    const max = Math.min(text.length, out.length);
    let start = 0;
    while (start < max && text.charCodeAt(start) === out.charCodeAt(start)) start++;
    let tail = 0;
    while (tail < max - start && text.charCodeAt(text.length - 1 - tail) === out.charCodeAt(out.length - 1 - tail)) tail++;
    return { start, end: text.length - tail, insert: out.slice(start, out.length - tail) };
  });
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) if (spans[i].start <= spans[i - 1].end) return undefined;
  let out = text;
  for (let i = spans.length - 1; i >= 0; i--) out = out.slice(0, spans[i].start) + spans[i].insert + out.slice(spans[i].end);
  return out;
}
