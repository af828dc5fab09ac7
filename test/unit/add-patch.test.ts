// The config patchers against fixture files: test/fixtures/add/<case>/{wrangler.*, change.json, expected.*}.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { patchJsonc } from "../../src/config/patch-jsonc.ts";
import { patchToml } from "../../src/config/patch-toml.ts";
import { patchConfig } from "../../src/config/patch.ts";
import { type BindingChange, expectedValue, formatOf, parseConfig, sameValue } from "../../src/config/read.ts";
import type { ConfigFormat } from "../../src/model.ts";

const ROOT = join(import.meta.dirname, "../fixtures/add");

function apply(format: ConfigFormat, text: string, change: BindingChange): string {
  return format === "toml" ? patchToml(text, change) : patchJsonc(text, change, format);
}

/** Patches only insert: the old text must be a subsequence of the new one. */
function onlyInserted(before: string, after: string): boolean {
  let i = 0;
  for (let j = 0; j < after.length && i < before.length; j++) if (after[j] === before[i]) i++;
  return i === before.length;
}

function commentsOf(text: string, format: ConfigFormat): string[] {
  const marker = format === "toml" ? /#.*$/ : /(\/\/|\/\*).*$/;
  return text.split(/\r?\n/).flatMap((l) => marker.exec(l)?.[0] ?? []);
}

const cases = readdirSync(ROOT).filter((c) => readdirSync(join(ROOT, c)).includes("change.json"));

describe.each(cases)("fixture %s", (name) => {
  const files = readdirSync(join(ROOT, name));
  const input = files.find((f) => f.startsWith("wrangler.")) as string;
  const format = formatOf(input);
  const ext = input.slice("wrangler.".length);
  const before = readFileSync(join(ROOT, name, input), "utf8");
  const expected = readFileSync(join(ROOT, name, `expected.${ext}`), "utf8");
  const changes = JSON.parse(readFileSync(join(ROOT, name, "change.json"), "utf8")) as BindingChange[];

  const patched = changes.reduce((text, c) => {
    const out = apply(format, text, c);
    expect(out).not.toBe("unchanged");
    return out;
  }, before);

  it("matches the expected file byte for byte", () => {
    expect(patched).toBe(expected);
  });

  it("parses to the old value plus the new entries", () => {
    const want = changes.reduce((v, c) => expectedValue(v, c), parseConfig(before, format));
    expect(sameValue(parseConfig(patched, format), want)).toBe(true);
  });

  it("keeps every byte of the old file, in order, and every comment", () => {
    expect(onlyInserted(before, patched)).toBe(true);
    const after = commentsOf(patched, format);
    for (const c of commentsOf(before, format)) expect(after).toContain(c);
  });

  it("keeps the file's line endings and final newline", () => {
    expect(patched.includes("\r\n")).toBe(before.includes("\r\n"));
    if (before.includes("\r\n")) expect(patched.replace(/\r\n/g, "")).not.toContain("\n");
    expect(patched.endsWith("\n")).toBe(before.endsWith("\n"));
  });

  it("is idempotent: every change applied again is unchanged", () => {
    for (const c of changes) expect(apply(format, patched, c)).toBe("unchanged");
  });

  it("makes the same file with every change at once (patchConfig), and nothing more when run again", () => {
    expect(patchConfig(before, format, changes)).toBe(expected);
    expect(patchConfig(expected, format, changes)).toBe(expected);
  });
});
