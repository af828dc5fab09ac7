// Templates -> a plan: the list of files, with contents, that a project consists of.
// Layers are laid down in order, a later one overriding the same path:
// base/common, base/<lang>, then for each feature in use features/<f>/common and features/<f>/<lang>.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import Handlebars from "handlebars";
import { type Binding, configFileName, type Kind, KIND_LABEL, KINDS, type PackageManager, type Project, resourceName } from "./model.ts";
import { serializeConfig } from "./config/serialize.ts";
import { packageRoot, pmCommands } from "./package-root.ts";
import { precompiledTemplate } from "./precompiled.ts";
import { packageJson } from "./features/package-json.ts";
import { workerdFiles } from "./workerd/files.ts";
import { actions, npm, PYTHON_VERSION, pypi } from "./versions.ts";

export interface PlannedFile {
  path: string;
  content: string;
  /** Executable scripts. */
  mode?: number;
}

export function features(p: Project): string[] {
  const f: string[] = [...new Set(p.bindings.map((b) => b.kind))];
  if (p.ci === "github") f.push("ci");
  if (p.workerd) f.push("workerd");
  return f;
}

export interface RenderOptions {
  pm: PackageManager;
}

const hbs = Handlebars.create();
// Each value is escaped for the format it lands in, by these helpers, never by HTML rules.
hbs.registerHelper("json", (v: unknown) => JSON.stringify(v));
hbs.registerHelper("toml", (v: unknown) => JSON.stringify(String(v)));
hbs.registerHelper("py", (v: unknown) => JSON.stringify(String(v)));
hbs.registerHelper("yaml", (v: unknown) => JSON.stringify(String(v)));
hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);

interface BindingView extends Binding {
  lower: string;
  /** URL path prefix of this binding's example route. */
  route: string;
  label: string;
  resource: string;
  first: boolean;
}

/** What templates see. */
export function view(p: Project, opts: RenderOptions) {
  const bindings: BindingView[] = p.bindings.map((b) => ({
    ...b,
    lower: b.name.toLowerCase(),
    route: `/${b.kind}/${b.name.toLowerCase()}`,
    label: KIND_LABEL[b.kind],
    resource: resourceName(p.name, b.name),
    first: p.bindings.find((o) => o.kind === b.kind) === b,
  }));
  const of = (k: Kind) => bindings.filter((b) => b.kind === k);
  return {
    name: p.name,
    lang: p.lang,
    python: p.lang === "python",
    typescript: p.lang === "typescript",
    compatDate: p.compatDate,
    configFile: configFileName(p.config),
    bindings,
    hasBindings: bindings.length > 0,
    kv: of("kv"),
    d1: of("d1"),
    r2: of("r2"),
    kinds: KINDS.filter((k) => of(k).length),
    envs: p.envs,
    hasEnvs: p.envs.length > 0,
    ci: p.ci === "github",
    workerd: p.workerd,
    versions: { npm, pypi, actions, python: PYTHON_VERSION },
    pm: pmCommands(opts.pm),
  };
}

function walk(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
  );
}

/** `_gitignore` -> `.gitignore`, `_github/x` -> `.github/x`; `__init__.py` stays. */
function outputPath(templatePath: string): string {
  return templatePath
    .split(/[\\/]/)
    .map((seg) => (/^_[^_]/.test(seg) ? `.${seg.slice(1)}` : seg))
    .join("/")
    .replace(/\.hbs$/, "");
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

export function renderTemplate(file: string, data: object): string {
  let t = compiled.get(file);
  if (!t) {
    const source = readFileSync(file, "utf8");
    const spec = precompiledTemplate(packageRoot(), file, source);
    t = spec ? hbs.template(spec) : hbs.compile(source, { strict: true, noEscape: true });
    compiled.set(file, t);
  }
  return t(data);
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function plan(p: Project, opts: RenderOptions): PlannedFile[] {
  const root = join(packageRoot(), "templates");
  const layers = [join("base", "common"), join("base", p.lang)];
  for (const f of features(p)) layers.push(join("features", f, "common"), join("features", f, p.lang));
  const data = view(p, opts);
  const files = new Map<string, PlannedFile>();
  for (const layer of layers) {
    const dir = join(root, layer);
    for (const rel of walk(dir)) {
      const src = join(dir, rel);
      const content = rel.endsWith(".hbs") ? renderTemplate(src, data) : readFileSync(src, "utf8");
      // A template that renders to nothing is a file this project does not need.
      if (content.trim() === "") continue;
      const path = outputPath(rel);
      files.set(path, { path, content, mode: path.endsWith(".sh") ? 0o755 : undefined });
    }
  }
  const config = configFileName(p.config);
  files.set(config, { path: config, content: serializeConfig(p) });
  files.set("package.json", { path: "package.json", content: packageJson(p) });
  for (const f of workerdFiles(p, (path) => files.get(path)?.content, () => [...files.keys()])) files.set(f.path, f);
  // Case-insensitive code-unit order, not localeCompare: that loads ICU collation data, slower than rendering everything.
  return [...files.values()].sort((a, b) => byText(a.path.toLowerCase(), b.path.toLowerCase()) || byText(a.path, b.path));
}
