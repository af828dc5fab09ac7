// Adds binding entries to a config text, in place: all in one go when they can be, else one after another.
// Either way the text returned parses to the old value plus exactly the new entries, or nothing is returned.
import { UsageError } from "../errors.ts";
import type { ConfigFormat } from "../model.ts";
import { insertEachJsonc, patchJsonc } from "./patch-jsonc.ts";
import { insertEachToml, patchToml } from "./patch-toml.ts";
import { type BindingChange, conflictMessage, existingEntry, parseConfig, verifyPatch } from "./read.ts";
import { mergePatches } from "./splice.ts";

/** One change, verified: the text with it, or "unchanged" when the same binding is already there. */
export function patchOne(text: string, format: ConfigFormat, change: BindingChange): string {
  return format === "toml" ? patchToml(text, change) : patchJsonc(text, change, format);
}

/**
 * `text` with every change that is not there yet (the same binding with the same settings counts as there);
 * a UsageError when one clashes with an entry of the same name and other settings, before anything is patched.
 *
 * Every entry is placed from one parse of `text`, and the results merged, when the places are apart (they are for
 * the top level and each environment of a usual config): then the merged text is parsed once, to check that it is
 * the old value plus all the new entries. Otherwise, or if that check fails, the changes are made one after
 * another, each placed in the text before it and checked on its own: the same result, with more parsing, and the
 * reason of a refusal names the change it is about.
 */
export function patchConfig(text: string, format: ConfigFormat, changes: readonly BindingChange[]): string {
  const value = parseConfig(text, format);
  const todo: BindingChange[] = [];
  for (const change of changes) {
    const found = existingEntry(value, change);
    if (found && !found.same) throw new UsageError(conflictMessage(change, found.entry));
    if (!found) todo.push(change);
  }
  if (todo.length > 1) {
    try {
      const merged = mergePatches(text, format === "toml" ? insertEachToml(text, todo) : insertEachJsonc(text, todo));
      if (merged !== undefined) {
        verifyPatch(text, merged, format, todo);
        return merged;
      }
    } catch {
      // Made one after another below, where a failure has its own message.
    }
  }
  return todo.reduce((t, change) => {
    const out = patchOne(t, format, change);
    return out === "unchanged" ? t : out;
  }, text);
}
