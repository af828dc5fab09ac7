// Patchers refuse, with one clear message, what they cannot do safely.
import { describe, expect, it } from "vitest";
import { patchJsonc } from "../../src/config/patch-jsonc.ts";
import { patchToml } from "../../src/config/patch-toml.ts";
import { patchConfig } from "../../src/config/patch.ts";
import { type BindingChange, verifyPatch } from "../../src/config/read.ts";
import { mergePatches } from "../../src/config/splice.ts";
import { CliError, UsageError } from "../../src/errors.ts";

const kv = (binding: string, env?: string, id?: string): BindingChange => ({ key: "kv_namespaces", env, entry: id ? { binding, id } : { binding } });

describe("patchToml", () => {
  const text = 'name = "a"\n\n[[kv_namespaces]]\nbinding = "CACHE"\nid = "one"\n';

  it("refuses a binding that exists with other settings", () => {
    expect(() => patchToml(text, kv("CACHE", undefined, "two"))).toThrow(UsageError);
    expect(() => patchToml(text, kv("CACHE", undefined, "two"))).toThrow(/CACHE already exists at the top level with different settings \(id "one" there, "two" asked\)/);
  });

  it("treats the same binding with the same settings as unchanged", () => {
    expect(patchToml(text, kv("CACHE", undefined, "one"))).toBe("unchanged");
    expect(patchToml(text, kv("CACHE"))).toBe("unchanged");
  });

  it("refuses an environment the config does not declare", () => {
    expect(() => patchToml(text, kv("NEW", "staging"))).toThrow(/no environment "staging"/);
  });

  it("refuses a config that does not parse", () => {
    expect(() => patchToml('name = "a"\n[[kv_namespaces]\n', kv("NEW"))).toThrow();
  });

  it("refuses a key that is not an array", () => {
    expect(() => patchToml('kv_namespaces = "x"\n', kv("NEW"))).toThrow(/kv_namespaces at the top level is not an array/);
  });
});

describe("patchJsonc", () => {
  const text = '{\n  "kv_namespaces": [{ "binding": "CACHE", "id": "one" }],\n  "env": { "staging": {} }\n}\n';

  it("refuses a binding that exists with other settings", () => {
    expect(() => patchJsonc(text, kv("CACHE", undefined, "two"))).toThrow(UsageError);
  });

  it("refuses an environment the config does not declare", () => {
    expect(() => patchJsonc(text, kv("NEW", "production"))).toThrow(/no environment "production"/);
  });

  it("refuses a config that does not parse", () => {
    expect(() => patchJsonc('{ "name": "a", ', kv("NEW"))).toThrow(CliError);
    expect(() => patchJsonc('{ "name": "a", ', kv("NEW"))).toThrow(/not valid JSON: .*line 1/);
  });
});

describe("verifyPatch", () => {
  const before = 'name = "a"\n';
  it("accepts exactly the old value plus the entry", () => {
    expect(() => verifyPatch(before, 'name = "a"\nkv_namespaces = [{ binding = "X" }]\n', "toml", kv("X"))).not.toThrow();
  });
  it("refuses any other difference", () => {
    expect(() => verifyPatch(before, 'name = "b"\nkv_namespaces = [{ binding = "X" }]\n', "toml", kv("X"))).toThrow(/refusing to write/);
    expect(() => verifyPatch(before, 'name = "a"\nkv_namespaces = [{ binding = "Y" }]\n', "toml", kv("X"))).toThrow(/refusing to write/);
    expect(() => verifyPatch(before, 'name = "a"\nkv_namespaces = [{ binding = \n', "toml", kv("X"))).toThrow(/would not parse/);
  });
});

describe("patchConfig", () => {
  const text = 'name = "a"\n\n[[kv_namespaces]]\nbinding = "CACHE"\nid = "one"\n\n[env.staging]\n';

  it("refuses a clash before patching anything, even when other changes come first", () => {
    expect(() => patchConfig(text, "toml", [kv("NEW", "staging"), kv("CACHE", undefined, "two")])).toThrow(
      /CACHE already exists at the top level with different settings/,
    );
  });

  it("refuses a set of changes that would not verify, naming each change it checked", () => {
    expect(() => verifyPatch(text, text, "toml", [kv("X"), kv("X", "staging")])).toThrow(
      /differ from the old one by more than the new binding \(top level, kv_namespaces; env\.staging, kv_namespaces\)/,
    );
  });

  it("adds two entries meant for one place one after the other, each placed in the text before it", () => {
    const out = patchConfig('name = "a"\n', "toml", [kv("A"), kv("B")]);
    expect(out).toBe('name = "a"\n\n[[kv_namespaces]]\nbinding = "A"\n\n[[kv_namespaces]]\nbinding = "B"\n');
  });
});

describe("mergePatches", () => {
  const text = "a\nb\nc\n";

  it("merges patches that change places apart from each other", () => {
    expect(mergePatches(text, ["a\nX\nb\nc\n", "a\nb\nc\nY\n"])).toBe("a\nX\nb\nc\nY\n");
  });

  it("declines patches that touch the same place, whose order would be a guess", () => {
    expect(mergePatches(text, ["a\nX\nb\nc\n", "a\nY\nb\nc\n"])).toBeUndefined();
  });
});
