// Builds dist/: one ESM entry (dist/cli.js) plus code-split chunks that each command loads only when it runs.
// Dependencies are bundled (all but execa, see below), so the published package has few to install;
// their licence texts go to dist/THIRD-PARTY-LICENSES.md. Templates stay plain files in templates/;
// dist/templates.cjs holds them precompiled, each used only while its file's text is unchanged.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative, resolve, sep } from "node:path";
import { crc32 } from "node:zlib";
import { build, transform } from "esbuild";
import Handlebars from "handlebars";

const root = resolve(import.meta.dirname, "..");
const outdir = join(root, "dist");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** handlebars' code generator tries `require("source-map")` at load time; it works without it (no source maps are made). */
const noSourceMap = {
  name: "no-source-map",
  setup(b) {
    b.onResolve({ filter: /^source-map$/ }, () => ({ path: "source-map", namespace: "empty" }));
    b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "module.exports = {};", loader: "js" }));
  },
};

/**
 * commander loads node:child_process when it loads, only to run executable subcommands, which this CLI has none of;
 * loading that built-in took nearly half of `--help`'s own start-up time. Load it on first use instead.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "lazy" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy" }, () => ({
      contents: 'module.exports = { spawn: (...args) => require("node:child_process").spawn(...args) };',
      loader: "js",
    }));
  },
};

/**
 * handlebars with its compiler loaded on first use. Templates normally come precompiled (dist/templates.cjs) and need
 * only the runtime; setting up the parser and code generators would cost every run several milliseconds.
 * The same environment as handlebars' own create(), with the compiler members filled in before the first compile.
 */
const lazyHandlebarsCompiler = {
  name: "lazy-handlebars-compiler",
  setup(b) {
    b.onResolve({ filter: /^handlebars$/ }, () => ({ path: "handlebars", namespace: "lazy-handlebars" }));
    b.onLoad({ filter: /.*/, namespace: "lazy-handlebars" }, () => ({
      resolveDir: root,
      loader: "js",
      contents: `
        var runtime = require("handlebars/dist/cjs/handlebars.runtime.js")["default"];
        function create() {
          var hb = runtime.create();
          function compiler() {
            var full = require("handlebars/dist/cjs/handlebars.js")["default"].create();
            for (var k of ["AST", "Compiler", "JavaScriptCompiler", "Parser", "parse", "parseWithoutProcessing"]) hb[k] = full[k];
            return require("handlebars/dist/cjs/handlebars/compiler/compiler.js");
          }
          hb.compile = function (input, options) { return compiler().compile(input, options, hb); };
          hb.precompile = function (input, options) { return compiler().precompile(input, options, hb); };
          return hb;
        }
        var inst = create();
        inst.create = create;
        inst["default"] = inst;
        module.exports = inst;`,
    }));
  },
};

/**
 * toml-eslint-parser merges its TOML visitor keys with ESLint's JavaScript ones (eslint-visitor-keys), which only an
 * ESLint plugin walking mixed trees needs; the TOML trees walked here use TOML keys alone. Leaving the JavaScript
 * keys out spares the bundle that package (and its licence text), with the same walk of every TOML tree.
 */
const tomlVisitorKeysOnly = {
  name: "toml-visitor-keys-only",
  setup(b) {
    b.onResolve({ filter: /^eslint-visitor-keys$/ }, (args) =>
      /node_modules[\\/]toml-eslint-parser[\\/]/.test(args.importer) ? { path: "eslint-visitor-keys", namespace: "toml-keys" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "toml-keys" }, () => ({ contents: "export const unionWith = (keys) => ({ ...keys });", loader: "js" }));
  },
};

/**
 * kleur decides colour at load time by `process.stdout.isTTY`, and asking makes process.stdout, which loads Node's
 * stream modules (and net, for a pipe or a terminal): milliseconds that `add` would pay only for that (it writes
 * with fs.writeSync, see src/add/out.ts). Asked instead: is stdout a character device? A terminal always is; a pipe
 * or a file never is, as before. The one other usual character device is /dev/null, where colour is never seen.
 */
const KLEUR_TTY = "isTTY = process.stdout && process.stdout.isTTY;";
const kleurWithoutStdout = {
  name: "kleur-without-stdout",
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]kleur[\\/]index\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes(KLEUR_TTY)) return { errors: [{ text: `kleur no longer has \`${KLEUR_TTY}\`: update the kleur-without-stdout plugin` }] };
      const check = 'isTTY = (() => { try { return process.getBuiltinModule("node:fs").fstatSync(1).isCharacterDevice(); } catch { return false; } })();';
      return { contents: source.replace(KLEUR_TTY, check), loader: "js" };
    });
  },
};

/**
 * Built-in modules come from process.getBuiltinModule() (Node >= 20.16), for `import` and `require()` alike:
 * `import { existsSync } from "node:fs"` would make Node build the ES module face of fs, which reads every export,
 * fs.promises included, and that loads streams, readline and more: several milliseconds on every run.
 * It also spares each chunk a createRequire() of its own for the require() calls of CommonJS dependencies.
 */
const builtinsDirect = {
  name: "builtins-direct",
  setup(b) {
    const builtin = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    b.onResolve({ filter: /^[a-z:_/]+$/ }, (args) => (builtin.has(args.path) ? { path: args.path, namespace: "builtin" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => ({ contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`, loader: "js" }));
  },
};

// esbuild prints its own errors; the stack trace of the rethrown error would only repeat them.
const result = await build({
  absWorkingDir: root,
  entryPoints: ["src/cli.ts"],
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  minify: true,
  // ESM builds of dependencies first (jsonc-parser's "main" is a UMD build that bundlers cannot follow).
  mainFields: ["module", "main"],
  // execa runs only after the files are written (install, git); bundled, it would take a quarter of the size budget.
  external: ["execa"],
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  define: { "process.env.CEW_VERSION": JSON.stringify(pkg.version) },
  legalComments: "none",
  metafile: true,
  plugins: [noSourceMap, lazyChildProcess, lazyHandlebarsCompiler, tomlVisitorKeysOnly, kleurWithoutStdout, builtinsDirect],
  logLevel: "warning",
}).catch(() => process.exit(1));

// Remove chunks left over from earlier builds (their names carry a content hash), so that they are never packed.
const outputs = new Set(Object.keys(result.metafile.outputs).map((o) => resolve(root, o)));
for (const dir of [outdir, join(outdir, "chunks")]) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isFile() && e.name.endsWith(".js") && !outputs.has(p)) rmSync(p);
  }
}

// Every template precompiled with the options src/render.ts compiles with, with a key of the text it was made from
// (src/precompiled.ts uses an entry only while the file's text has the same key).
/** The same as sourceKey() in src/precompiled.ts: the text's length and CRC-32. */
const sourceKey = (source) => `${source.length}:${crc32(source).toString(16)}`;
/**
 * The precompiled code without the template line/column of each lookup and helper call: they only ever end up in
 * the message of an error for a missing value, and they were a fifth of the table. The rendered text is the same
 * (the pack test compares it with run-time compiled templates, which keep them for templates being edited).
 * The pattern cannot match template text: that is in string literals, where every quote is escaped.
 */
const LOC = String.raw`\{"start":\{"line":\d+,"column":\d+\},"end":\{"line":\d+,"column":\d+\}\}`;
const withoutLocations = (spec) => spec.replace(new RegExp(String.raw`,\s*${LOC}\s*\)`, "g"), ")").replace(new RegExp(`,"loc":${LOC}`, "g"), "");
const templatesDir = join(root, "templates");
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
const entries = walk(templatesDir)
  .filter((f) => f.endsWith(".hbs"))
  .sort()
  .map((file) => {
    const source = readFileSync(file, "utf8");
    const spec = withoutLocations(Handlebars.precompile(source, { strict: true, noEscape: true }));
    return `${JSON.stringify(relative(templatesDir, file).split(sep).join("/"))}: { key: ${JSON.stringify(sourceKey(source))}, spec: ${spec} }`;
  });
const table = await transform(`"use strict";module.exports={${entries.join(",")}};`, { minify: true, format: "cjs", target: "node20.19" });
writeFileSync(join(outdir, "templates.cjs"), `// Generated by .ci/build.mjs from templates/.\n${table.code}`);

// The licence of every package that ended up in the bundle.
const packages = new Map();
for (const out of Object.values(result.metafile.outputs)) {
  for (const input of Object.keys(out.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.set(m[1], true);
  }
}
const sections = [...packages.keys()].sort().map((dir) => {
  const abs = join(root, dir);
  const meta = JSON.parse(readFileSync(join(abs, "package.json"), "utf8"));
  const file = readdirSync(abs).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = file ? readFileSync(join(abs, file), "utf8").trim() : `License: ${meta.license}`;
  return `## ${meta.name} ${meta.version} (${meta.license})\n\n${text}\n`;
});
writeFileSync(
  join(outdir, "THIRD-PARTY-LICENSES.md"),
  `# Third-party licences\n\n${pkg.name} bundles the following packages into dist/.\n\n${sections.join("\n")}`,
);

// What went into each chunk, for test/e2e/pack.test.ts to check what each command loads (.cache/ is not shipped).
mkdirSync(join(root, ".cache"), { recursive: true });
writeFileSync(join(root, ".cache", "build-meta.json"), JSON.stringify(result.metafile));

const sizes = Object.entries(result.metafile.outputs)
  .map(([file, o]) => `  ${relative(root, resolve(root, file)).padEnd(40)} ${(o.bytes / 1024).toFixed(1).padStart(7)} KB`)
  .join("\n");
if (process.argv.includes("--verbose")) process.stdout.write(`${sizes}\n`);
