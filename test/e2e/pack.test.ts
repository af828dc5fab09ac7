// The published package: what `npm pack` ships, its size, and that the packed tarball runs from an empty npm cache.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { precompiledTemplate } from "../../src/precompiled.ts";
import { ROOT, toolEnv } from "../support/cli.ts";

const MAX_PACKED_BYTES = 150 * 1000;
const MAX_RUNTIME_DEPENDENCIES = 8;

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
const posix = (p: string) => p.split(sep).join("/");

// Scripts are skipped: `npm test` has just built dist/, and other test files may be running it.
const npm = (args: string[], cwd = ROOT) => execa("npm", args, { cwd, env: toolEnv(), stdin: "ignore" });

describe("npm pack", () => {
  let packed: PackResult;
  let paths: string[];

  beforeAll(async () => {
    const { stdout } = await npm(["pack", "--dry-run", "--json", "--ignore-scripts"]);
    [packed] = JSON.parse(stdout) as PackResult[];
    paths = packed.files.map((f) => f.path);
  });

  it(`is at most ${MAX_PACKED_BYTES / 1000} KB packed`, () => {
    expect(packed.size).toBeGreaterThan(0);
    expect(packed.size).toBeLessThanOrEqual(MAX_PACKED_BYTES);
  });

  it("ships only the bin, the bundle, the templates, README, LICENSE and package.json", () => {
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/create-edge-worker\.js|dist\/.+|templates\/.+)$/;
    expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
    expect(paths.filter((p) => /^(src|test|scripts)\/|__snapshots__|\.snap$|\.tgz$/.test(p))).toEqual([]);
    // TypeScript files belong to generated projects only: nothing of the CLI's own source is shipped.
    expect(paths.filter((p) => /\.ts$/.test(p) && !p.startsWith("templates/"))).toEqual([]);
    for (const p of ["package.json", "README.md", "LICENSE", "bin/create-edge-worker.js", "dist/cli.js", "dist/templates.cjs", "dist/THIRD-PARTY-LICENSES.md"])
      expect(paths).toContain(p);
  });

  it("ships every template as a plain file", () => {
    const templates = walk(join(ROOT, "templates")).map((f) => posix(relative(ROOT, f)));
    expect(templates.length).toBeGreaterThan(0);
    expect(templates.filter((t) => !paths.includes(t))).toEqual([]);
  });

  it("ships exactly the chunks the entry can reach, none left over from an earlier build", () => {
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      const code = readFileSync(join(ROOT, file), "utf8");
      for (const m of code.matchAll(/\b(?:from|import)\s*\(?\s*"(\.\.?\/[^"]+\.js)"/g)) visit(posix(join(file, "..", m[1])));
    };
    visit("dist/cli.js");
    const shippedJs = paths.filter((p) => p.startsWith("dist/") && p.endsWith(".js"));
    expect(shippedJs.sort()).toEqual([...reached].sort());
  });

  it("loads on each path only the packages that path needs", () => {
    // Written by .ci/build.mjs: esbuild's record of which inputs went into which chunk.
    const meta = JSON.parse(readFileSync(join(ROOT, ".cache/build-meta.json"), "utf8")) as {
      outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string }[] }>;
    };
    const chunkOf = (entry: string) => Object.keys(meta.outputs).find((o) => meta.outputs[o].entryPoint === entry) ?? "";
    /** Packages whose code is in these chunks or in the chunks they import statically. */
    const packages = (...entries: string[]) => {
      const seen = new Set<string>();
      const visit = (o: string) => {
        if (seen.has(o) || !meta.outputs[o]) return;
        seen.add(o);
        for (const i of meta.outputs[o].imports) if (i.kind === "import-statement") visit(i.path);
      };
      for (const e of entries) visit(chunkOf(e));
      const names = [...seen].flatMap((o) => Object.keys(meta.outputs[o].inputs).map((i) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(i)?.[1]));
      const external = [...seen].flatMap((o) => meta.outputs[o].imports.filter((i) => i.kind === "import-statement" && !meta.outputs[i.path]).map((i) => i.path));
      return new Set([...names, ...external].filter(Boolean));
    };
    const help = packages("src/cli.ts");
    expect(help.has("commander")).toBe(true);
    for (const p of ["handlebars", "@clack/prompts", "execa", "toml-eslint-parser", "jsonc-parser", "kleur"]) expect(help.has(p), p).toBe(false);
    const createYes = packages("src/cli.ts", "src/create/index.ts");
    expect(createYes.has("handlebars")).toBe(true);
    for (const p of ["@clack/prompts", "execa", "toml-eslint-parser", "jsonc-parser"]) expect(createYes.has(p), p).toBe(false);
    expect(packages("src/create/prompts.ts").has("@clack/prompts")).toBe(true);
    for (const entry of ["src/add/index.ts", "src/list.ts"]) {
      expect(packages(entry).has("toml-eslint-parser"), entry).toBe(true);
      // Nothing made for create: no prompts, no templates.
      for (const p of ["@clack/prompts", "handlebars"]) expect(packages(entry).has(p), `${entry}: ${p}`).toBe(false);
      const sources = (o: string) => Object.keys(meta.outputs[o].inputs);
      const reached = new Set<string>();
      const visit = (o: string) => {
        if (reached.has(o) || !meta.outputs[o]) return;
        reached.add(o);
        for (const i of meta.outputs[o].imports) if (i.kind === "import-statement") visit(i.path);
      };
      visit(chunkOf(entry));
      const createOnly = [...reached].flatMap(sources).filter((i) => /^src\/(create\/|render\.ts|precompiled\.ts)/.test(i));
      expect(createOnly, entry).toEqual([]);
    }
  });

  it("has a precompiled form of every .hbs template, matching its current text", () => {
    const hbs = walk(join(ROOT, "templates")).filter((f) => f.endsWith(".hbs"));
    const stale = hbs.filter((f) => !precompiledTemplate(ROOT, f, readFileSync(f, "utf8")));
    expect(stale.map((f) => relative(ROOT, f))).toEqual([]);
    // ...and a changed text is not taken for the precompiled one.
    expect(precompiledTemplate(ROOT, hbs[0], `${readFileSync(hbs[0], "utf8")}\n`)).toBeUndefined();
  });

  it("writes the same project when it has to compile every template at run time", async () => {
    // A copy of the package without dist/templates.cjs: the bundle then loads handlebars' compiler on first use.
    const work = mkdtempSync(join(tmpdir(), "cew-compile-"));
    try {
      const copy = join(work, "pkg");
      for (const p of ["package.json", "bin", "dist", "templates"]) cpSync(join(ROOT, p), join(copy, p), { recursive: true });
      rmSync(join(copy, "dist/templates.cjs"));
      const args = ["demo", "--yes", "--no-install", "--no-git", "--kv", "CACHE", "--d1", "DB", "--r2", "UPLOADS", "--env", "staging", "--workerd"];
      for (const lang of ["typescript", "python"]) {
        const out = { precompiled: join(work, `${lang}-precompiled`), compiled: join(work, `${lang}-compiled`) };
        for (const [kind, bin] of [["precompiled", join(ROOT, "bin/create-edge-worker.js")], ["compiled", join(copy, "bin/create-edge-worker.js")]] as const) {
          mkdirSync(out[kind]);
          await execa("node", [bin, ...args, "--lang", lang], { cwd: out[kind], env: toolEnv(), stdin: "ignore" });
        }
        const files = walk(join(out.precompiled, "demo")).map((f) => relative(out.precompiled, f));
        expect(files.length).toBeGreaterThan(5);
        expect(walk(join(out.compiled, "demo")).map((f) => relative(out.compiled, f))).toEqual(files);
        for (const f of files) expect(readFileSync(join(out.compiled, f), "utf8"), f).toBe(readFileSync(join(out.precompiled, f), "utf8"));
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it(`has at most ${MAX_RUNTIME_DEPENDENCIES} runtime dependencies, none of them optional or peer`, () => {
    expect(Object.keys(pkg.dependencies ?? {}).length).toBeLessThanOrEqual(MAX_RUNTIME_DEPENDENCIES);
    expect(pkg.optionalDependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
    expect(pkg.bin).toEqual({ "create-edge-worker": "bin/create-edge-worker.js" });
  });
});

describe("the packed tarball, run with npx from an empty npm cache", () => {
  let work: string;
  let tarball: string;

  beforeAll(async () => {
    // Outside the repository, so that npm cannot resolve anything from its node_modules.
    work = mkdtempSync(join(tmpdir(), "cew-pack-"));
    const { stdout } = await npm(["pack", "--json", "--ignore-scripts", "--pack-destination", work]);
    tarball = join(work, (JSON.parse(stdout) as PackResult[])[0].filename);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const npx = (args: string[]) =>
    execa("npx", ["--yes", "--cache", join(work, "npm-cache"), "--package", tarball, "--", "create-edge-worker", ...args], {
      cwd: work,
      env: toolEnv(),
      stdin: "ignore",
      reject: false,
      all: true,
    });

  it("scaffolds a TypeScript project with KV, D1, R2 and two environments", async () => {
    expect(existsSync(join(work, "npm-cache"))).toBe(false);
    const args = ["demo", "--yes", "--no-install", "--no-git", "--lang", "typescript", "--kv", "CACHE", "--d1", "DB", "--r2", "UPLOADS", "--env", "staging,production"];
    const r = await npx(args);
    expect(r.all).toContain("Created typescript worker demo");
    expect(r.exitCode).toBe(0);
    const dir = join(work, "demo");
    for (const f of ["package.json", "wrangler.toml", "src/index.ts", "tsconfig.json", "migrations/0001_init.sql", ".gitignore", ".github/workflows/deploy.yml"])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const config = readFileSync(join(dir, "wrangler.toml"), "utf8");
    for (const s of ['binding = "CACHE"', 'binding = "DB"', 'binding = "UPLOADS"', "[env.staging", "[env.production"]) expect(config).toContain(s);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name).toBe("demo");
    // The package came from the tarball into the empty cache, not from anywhere else.
    expect(existsSync(join(work, "npm-cache", "_npx"))).toBe(true);
  });

  it("prints the packed version and the same help as the working tree", async () => {
    const version = await npx(["--version"]);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const help = await npx(["--help"]);
    const local = await execa("node", [join(ROOT, "bin/create-edge-worker.js"), "--help"], { env: toolEnv(), stdin: "ignore" });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toBe(local.stdout);
  });
});
