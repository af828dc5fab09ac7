// The rendered tree of a new project: one file snapshot per combination of the choices that change it,
// and the rules every combination must keep, checked in code.
import { parse as parseJsonc, type ParseError } from "jsonc-parser";
import { getStaticTOMLValue, parseTOML } from "toml-eslint-parser";
import { describe, expect, it } from "vitest";
import {
  type Binding,
  CONFIG_KEY,
  CONFIG_FORMATS,
  type ConfigFormat,
  configFileName,
  type Lang,
  LANGS,
  type Project,
  resourceName,
} from "../../src/model.ts";
import { type PlannedFile, plan } from "../../src/render.ts";
import { COMPATIBILITY_DATE } from "../../src/versions.ts";

const ALL_BINDINGS: Binding[] = [
  { kind: "kv", name: "CACHE" },
  { kind: "d1", name: "DB" },
  { kind: "r2", name: "UPLOADS" },
];
const ENVS = ["staging", "production"];

interface Case {
  id: string;
  project: Project;
}

function makeCase(lang: Lang, config: ConfigFormat, bindings: boolean, envs: boolean, ci: boolean, workerd = false): Case {
  const id = [lang, config, bindings ? "bindings" : "no-bindings", envs ? "envs" : "no-envs", ci ? "ci" : "no-ci", ...(workerd ? ["workerd"] : [])].join("-");
  return {
    id,
    project: {
      name: "my-app",
      lang,
      bindings: bindings ? ALL_BINDINGS : [],
      envs: envs ? ENVS : [],
      config,
      ci: ci ? "github" : "none",
      workerd,
      compatDate: COMPATIBILITY_DATE,
    },
  };
}

// Language x config format x bindings x environments, all with CI; then without CI, and with workerd, once per language.
const CASES: Case[] = [
  ...LANGS.flatMap((lang) =>
    CONFIG_FORMATS.flatMap((config) => [false, true].flatMap((b) => [false, true].map((e) => makeCase(lang, config, b, e, true)))),
  ),
  ...LANGS.map((lang) => makeCase(lang, "toml", true, true, false)),
  ...LANGS.map((lang) => makeCase(lang, "jsonc", true, true, true, true)),
];

/** Dates that change without the templates changing: the pinned compatibility date and today. */
function normalise(text: string): string {
  const today = new Date().toISOString().slice(0, 10);
  return text.replaceAll(COMPATIBILITY_DATE, "<compatibility-date>").replaceAll(today, "<today>");
}

/** The whole tree as one reviewable text: each file's path, mode and content. */
function tree(files: PlannedFile[]): string {
  return files
    .map((f) => `===== ${f.path}${f.mode ? ` (mode ${f.mode.toString(8)})` : ""}\n${normalise(f.content)}${f.content.endsWith("\n") ? "" : "\n<no newline at end>\n"}`)
    .join("\n");
}

/**
 * Whether a root-level file is ignored by a .gitignore: the last matching line wins, `!` re-includes.
 * Enough of gitignore for root-level names (`*`, `?`, a leading `/`); a trailing `/` matches folders only.
 */
function ignored(gitignore: string, name: string): boolean {
  let result = false;
  for (const raw of gitignore.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.endsWith("/")) continue;
    const negate = line.startsWith("!");
    const glob = line.replace(/^!/, "").replace(/^\//, "");
    const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}$`);
    if (re.test(name)) result = !negate;
  }
  return result;
}

type Table = Record<string, any>;

function parseConfig(format: ConfigFormat, text: string): Table {
  if (format === "toml") return getStaticTOMLValue(parseTOML(text)) as Table;
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors.length) throw new Error(`${configFileName(format)} does not parse: ${JSON.stringify(errors)}`);
  return value;
}

/** The name of the resource a binding entry points at, where the config names one. */
function resourceOf(entry: Table): string | undefined {
  return entry.database_name ?? entry.bucket_name;
}

describe.each(CASES.map((c) => [c.id, c] as const))("%s", (id, { project }) => {
  const files = plan(project, { pm: "npm" });
  const file = (path: string) => files.find((f) => f.path === path);
  const configPath = configFileName(project.config);

  it("matches the snapshot of the whole tree", async () => {
    await expect(tree(files)).toMatchFileSnapshot(`__snapshots__/render/${id}.txt`);
  });

  it("renders every template: no template names, no unrendered tags, no paths outside the project", () => {
    for (const f of files) {
      expect(f.path).not.toMatch(/(^|\/)\.\.?(\/|$)|^\/|\.hbs$/);
      expect(f.path.split("/").some((seg) => /^_[^_]/.test(seg)), f.path).toBe(false);
      // `${{ ... }}` is GitHub Actions syntax; any other `{{` is a Handlebars tag that was not rendered.
      expect(f.content.replaceAll("${{", ""), f.path).not.toMatch(/\{\{/);
    }
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
  });

  it(`has a ${configPath} that parses, with the project's name, date and bindings`, () => {
    const config = parseConfig(project.config, file(configPath)?.content ?? "");
    expect(config.name).toBe(project.name);
    expect(config.compatibility_date).toBe(project.compatDate);
    for (const b of project.bindings) expect(config[CONFIG_KEY[b.kind]]).toContainEqual(expect.objectContaining({ binding: b.name }));
    expect(files.some((f) => f.path.startsWith("wrangler.") && f.path !== configPath)).toBe(false);
  });

  it("redeclares every binding and var in every environment, each with its own resource", () => {
    const config = parseConfig(project.config, file(configPath)?.content ?? "");
    expect(Object.keys(config.env ?? {})).toEqual(project.envs);
    for (const b of project.bindings) {
      const top = config[CONFIG_KEY[b.kind]].find((e: Table) => e.binding === b.name);
      const seen = new Set([resourceOf(top)]);
      for (const env of project.envs) {
        const scoped = config.env[env];
        expect(Object.keys(scoped.vars ?? {}).sort()).toEqual(Object.keys(config.vars ?? {}).sort());
        const entry = scoped[CONFIG_KEY[b.kind]]?.find((e: Table) => e.binding === b.name);
        expect(entry, `${b.name} in env.${env}`).toBeDefined();
        if (b.kind !== "kv") {
          expect(resourceOf(entry)).toBe(resourceName(project.name, b.name, env));
          expect(seen.has(resourceOf(entry))).toBe(false);
          seen.add(resourceOf(entry));
        }
      }
    }
  });

  it("keeps local secrets out of git and out of the configs", () => {
    const gitignore = file(".gitignore")?.content ?? "";
    expect(ignored(gitignore, ".dev.vars")).toBe(true);
    expect(ignored(gitignore, ".dev.vars.example")).toBe(false);
    expect(file(".dev.vars.example"), ".dev.vars.example").toBeDefined();
    expect(file(".dev.vars")).toBeUndefined();
    // Secrets go in .dev.vars locally and `wrangler secret put` in production, never in the config.
    const keys = (v: unknown): string[] =>
      typeof v === "object" && v !== null ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]) : [];
    const config = parseConfig(project.config, file(configPath)?.content ?? "");
    expect(keys(config).filter((k) => /account_id|token|secret|password|api_?key/i.test(k))).toEqual([]);
    // Cloudflare account ids are 32 hex digits; no file may carry one.
    for (const f of files) expect(f.content, f.path).not.toMatch(/\b[0-9a-f]{32}\b/);
  });

  it(project.ci === "github" ? "has the GitHub workflow" : "has no GitHub workflow", () => {
    expect(files.some((f) => f.path.startsWith(".github/"))).toBe(project.ci === "github");
  });

  it("has a package.json for this project", () => {
    const pkg = JSON.parse(file("package.json")?.content ?? "");
    expect(pkg.name).toBe(project.name);
    expect(pkg.private).toBe(true);
  });
});

describe("reading snapshots and .gitignore", () => {
  it("read .gitignore the way git does for root-level files", () => {
    expect(ignored(".dev.vars\n", ".dev.vars")).toBe(true);
    expect(ignored(".dev.vars*\n!.dev.vars.example\n", ".dev.vars.example")).toBe(false);
    expect(ignored(".dev.vars*\n", ".dev.vars.example")).toBe(true);
    expect(ignored("/.dev.vars\n", ".dev.vars")).toBe(true);
    expect(ignored("node_modules/\n.dev.vars.example\n", ".dev.vars")).toBe(false);
  });

  it("normalise replaces the compatibility date and today's date, and nothing else", () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(normalise(`a ${COMPATIBILITY_DATE} b ${today} c 2020-01-01`)).toBe("a <compatibility-date> b <today> c 2020-01-01");
  });

  it("tree marks a file without a final newline and an executable file", () => {
    expect(tree([{ path: "run.sh", content: "x", mode: 0o755 }])).toBe("===== run.sh (mode 755)\nx\n<no newline at end>\n");
  });
});
