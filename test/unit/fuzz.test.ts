// Random projects, valid and hostile, from a seeded generator: FUZZ_SEED=<n> reproduces a failure.
// Every TOML, JSON(C) and YAML file a valid project renders must parse; every hostile value must be refused.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ParseError, parse as parseJsonc } from "jsonc-parser";
import { getStaticTOMLValue, parseTOML } from "toml-eslint-parser";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { configValue } from "../../src/config/serialize.ts";
import { UsageError } from "../../src/errors.ts";
import { KINDS, type Project, varsFor } from "../../src/model.ts";
import { type PlannedFile, plan } from "../../src/render.ts";
import { checkProject, checkWorkerName, slugify } from "../../src/validate.ts";
import { COMPATIBILITY_DATE } from "../../src/versions.ts";
import { cli, tmpDir } from "../support/cli.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261109);

/** mulberry32: small, fast and the same on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const word = (first: string, rest: string, min: number, max: number) =>
    pick([...first]) + Array.from({ length: int(min - 1, max - 1) }, () => pick([...rest])).join("");
  return { next, int, pick, word };
}
type Rng = ReturnType<typeof prng>;

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";

function validProject(r: Rng): Project {
  const name = r.word(LOWER + DIGITS, `${LOWER + DIGITS}-`, 1, 20).replace(/-+$/, "") || "w";
  const used = new Set(Object.keys(varsFor()).map((v) => v.toLowerCase()));
  const bindings = KINDS.flatMap((kind) =>
    Array.from({ length: r.int(0, 2) }, () => ({ kind, name: r.word(`${LOWER.toUpperCase()}_`, `${LOWER.toUpperCase()}${DIGITS}_`, 1, 12) })),
  ).filter((b) => !b.name.endsWith("_") && !used.has(b.name.toLowerCase()) && used.add(b.name.toLowerCase()));
  const envs = [
    ...new Set(Array.from({ length: r.int(0, 3) }, () => r.word(LOWER, `${LOWER}${DIGITS}-`, 3, 10).replace(/-+$/, ""))),
  ].filter((e) => !["name", "main", "vars", "env", "site", "top", "build", "rules", "local", "limits", "routes", "route"].includes(e));
  const start = Date.parse("2021-11-03");
  const day = new Date(start + r.int(0, (Date.parse(COMPATIBILITY_DATE) - start) / 86_400_000) * 86_400_000);
  return {
    name,
    lang: r.pick(["python", "typescript"] as const),
    bindings,
    envs,
    config: r.pick(["toml", "jsonc"] as const),
    ci: r.pick(["github", "none"] as const),
    workerd: r.next() < 0.5,
    compatDate: day.toISOString().slice(0, 10),
  };
}

// Pieces that would break or inject into one of the formats the values land in.
const HOSTILE = ['"', "'", "\n", "\r\n", "\\", "${{ secrets.X }}", "]\n[x]", "#", " ", "é", "日本", "\u2028", "\u0000", "`", "$(id)", "{{x}}", "..", "/", ":", "="];

function hostile(r: Rng, base: string, pieces = HOSTILE): string {
  const piece = r.pick(pieces);
  const at = r.int(0, base.length);
  return base.slice(0, at) + piece + base.slice(at);
}

/** Parses a rendered file with a real parser for its format; returns the value, or undefined for other formats. */
function parseFile(f: PlannedFile): unknown {
  if (f.path.endsWith(".toml")) return getStaticTOMLValue(parseTOML(f.content));
  if (/\.jsonc?$/.test(f.path)) {
    const errors: ParseError[] = [];
    const value = parseJsonc(f.content, errors, { allowTrailingComma: f.path.endsWith(".jsonc") });
    expect(errors, `${f.path}:\n${f.content}`).toEqual([]);
    return value;
  }
  if (/\.ya?ml$/.test(f.path)) {
    const docs = parseAllDocuments(f.content);
    for (const d of Array.isArray(docs) ? docs : [docs]) expect(d.errors, `${f.path}:\n${f.content}`).toEqual([]);
    return docs;
  }
}

function checkRendered(p: Project, files: PlannedFile[]): void {
  for (const f of files) {
    let value: unknown;
    expect(() => (value = parseFile(f)), `${f.path} of ${JSON.stringify(p)}`).not.toThrow();
    if (f.path === `wrangler.${p.config}`) {
      const { $schema: _, ...rest } = value as Record<string, unknown>;
      expect(rest, f.path).toEqual(configValue(p));
    }
  }
}

describe(`fuzz (FUZZ_SEED=${SEED})`, () => {
  it("renders 80 random valid projects whose TOML, JSON(C) and YAML files all parse", () => {
    const r = prng(SEED);
    const formats = new Set<string>();
    for (let i = 0; i < 80; i++) {
      const p = validProject(r);
      expect(() => checkProject(p, Object.keys(varsFor())), JSON.stringify(p)).not.toThrow();
      const files = plan(p, { pm: r.pick(["npm", "pnpm", "yarn", "bun"] as const) });
      for (const f of files) formats.add(f.path.split(".").pop() ?? "");
      checkRendered(p, files);
    }
    // The checks above ran on real files of each format, not on none.
    expect([...formats]).toEqual(expect.arrayContaining(["toml", "jsonc", "json", "yml"]));
  });

  it("refuses 300 hostile values, naming each one", () => {
    const r = prng(SEED + 1);
    for (let i = 0; i < 300; i++) {
      const p = validProject(r);
      const field = r.pick(["name", "binding", "env", "compatDate"] as const);
      let bad: string;
      if (field === "binding") {
        bad = hostile(r, "CACHE");
        p.bindings = [...p.bindings.filter((b) => b.name !== "CACHE"), { kind: r.pick(KINDS), name: bad }];
      } else if (field === "env") {
        bad = hostile(r, "staging");
        p.envs = [...p.envs, bad];
      } else {
        bad = hostile(r, p[field]);
        p[field] = bad;
      }
      let thrown: unknown;
      try {
        checkProject(p, Object.keys(varsFor()));
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `${field} ${JSON.stringify(bad)} was accepted`).toBeInstanceOf(UsageError);
      expect((thrown as Error).message).toContain(JSON.stringify(bad));
      expect((thrown as Error).message).not.toContain("\n");
    }
  });

  it("turns any directory name into a valid worker name or into nothing", () => {
    const r = prng(SEED + 2);
    for (let i = 0; i < 500; i++) {
      const dir = Array.from({ length: r.int(1, 80) }, () => r.pick([...`${LOWER}Ab9 _-.`, ...HOSTILE])).join("");
      const slug = slugify(dir);
      if (slug !== "") expect(checkWorkerName(slug), JSON.stringify(dir)).toBeUndefined();
    }
  });
});

describe(`fuzz through the CLI (FUZZ_SEED=${SEED})`, () => {
  it("writes projects whose files parse, and refuses hostile ones without writing", async () => {
    const r = prng(SEED + 3);
    for (let i = 0; i < 3; i++) {
      const p = validProject(r);
      const cwd = tmpDir("fuzz-cli");
      const args = ["app", "--yes", "--no-install", "--no-git", "--name", p.name, "--lang", p.lang, "--config", p.config, "--ci", p.ci];
      for (const kind of KINDS) for (const b of p.bindings.filter((x) => x.kind === kind)) args.push(`--${kind}`, b.name);
      for (const e of p.envs) args.push("--env", e);
      args.push(p.workerd ? "--workerd" : "--no-workerd", "--compat-date", p.compatDate);
      const ok = await cli(args, { cwd });
      expect(ok.exitCode, String(ok.all)).toBe(0);
      const root = join(cwd, "app");
      const files = readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => {
          const path = join(e.parentPath, e.name).slice(root.length + 1);
          return { path, content: readFileSync(join(root, path), "utf8") };
        });
      checkRendered(p, files);

      // A command line cannot carry a NUL byte.
      const bad = hostile(r, p.name, HOSTILE.filter((h) => !h.includes("\u0000")));
      const refused = await cli(["bad", "--yes", "--no-install", "--no-git", "--name", bad], { cwd });
      expect(refused.exitCode).toBe(2);
      expect(String(refused.stderr)).toContain(JSON.stringify(bad));
      expect(readdirSync(cwd)).toEqual(["app"]);
    }
  });
});
