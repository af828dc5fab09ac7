// The workerd config of a project (workerd/config.capnp), derived from the project model.
// `create` renders it and `add` rewrites it, so both always agree with the wrangler config.
import { type Binding, compatFlags, entryFile, type Kind, MIGRATIONS_DIR, type Project, resourceName, varsFor } from "../model.ts";

export const WORKERD_CONFIG = "workerd/config.capnp";
/** Where `build:workerd` writes the bundle (relative to the project). */
export const WORKERD_BUNDLE_DIR = "workerd/dist";
/** All on-prem state lives here, relative to the directory workerd runs in. */
export const STATE_DIR = ".workerd-state";
export const DEFAULT_ADDRESS = "127.0.0.1:8787";

/** What the generator needs to know about the project's files besides the model. */
export interface ProjectFiles {
  /** Names of the secrets (from .dev.vars.example): read from the process environment, never written down. */
  secrets: string[];
  /** Python only: the modules under src/, e.g. ["src/entry.py", "src/routes.py"]. */
  pythonModules?: string[];
}

/** Secret names from a .dev.vars.example: every `NAME=...` line, comments and blanks skipped. */
export function secretNames(devVarsExample: string | undefined): string[] {
  if (!devVarsExample) return [];
  const names = devVarsExample
    .split(/\r?\n/)
    .map((l) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(l)?.[1])
    .filter((n): n is string => Boolean(n));
  return [...new Set(names)];
}

/** `staging` -> `envStaging`: a Cap'n Proto constant name, as run.mjs computes it for `--env`. */
export function envConst(env?: string): string {
  if (!env) return "config";
  return `env${env
    .split("-")
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
    .join("")}`;
}

const q = (s: string) => JSON.stringify(s); // Cap'n Proto text strings share JSON's escapes.
const props = (o: object) => `props = (json = ${q(JSON.stringify(o))})`;

/** One Durable Object storage folder per storage worker, one blob folder per kind. */
const DISKS: Record<string, string> = {
  "kv-store": `${STATE_DIR}/kv`,
  "kv-blobs": `${STATE_DIR}/kv-blobs`,
  "d1-store": `${STATE_DIR}/d1`,
  "r2-store": `${STATE_DIR}/r2`,
  "r2-blobs": `${STATE_DIR}/r2-blobs`,
};

function bindingLine(b: Binding, resource: string): string {
  switch (b.kind) {
    case "kv":
      return `(name = ${q(b.name)}, kvNamespace = (name = "kv", ${props({ namespace: resource })}))`;
    case "d1":
      return `(name = ${q(b.name)}, wrapped = (moduleName = "cloudflare-internal:d1-api", innerBindings = [(name = "fetcher", service = (name = "d1", ${props({ database: resource })}))]))`;
    case "r2":
      return `(name = ${q(b.name)}, wrapped = (moduleName = "local:r2-bucket", innerBindings = [(name = "fetcher", service = (name = "r2", ${props({ bucket: resource })}))]))`;
  }
}

function valueLine(name: string, value: unknown): string {
  return typeof value === "string" ? `(name = ${q(name)}, text = ${q(value)})` : `(name = ${q(name)}, json = ${q(JSON.stringify(value))})`;
}

function appModules(p: Project, files: ProjectFiles): string[] {
  if (p.lang === "typescript") return [`(name = "index.js", esModule = embed "dist/index.js")`];
  // Python runs from source: the entry module first, then the rest of src/.
  const entry = entryFile(p.lang);
  const rest = (files.pythonModules ?? []).filter((m) => m !== entry && m.startsWith("src/")).sort();
  return [entry, ...rest].map((m) => `(name = ${q(m.slice("src/".length))}, pythonModule = embed ${q(`../${m}`)})`);
}

function envConfig(p: Project, files: ProjectFiles, env?: string): string {
  const c = envConst(env);
  const has = (k: Kind) => p.bindings.some((b) => b.kind === k);
  const d1 = p.bindings.filter((b) => b.kind === "d1");
  const bindings = [
    ...Object.entries(varsFor(env)).map(([k, v]) => valueLine(k, v)),
    ...files.secrets.map((s) => `(name = ${q(s)}, fromEnvironment = ${q(s)})`),
    ...p.bindings.map((b) => bindingLine(b, resourceName(p.name, b.name, env))),
  ];
  const services = [`(name = "app", worker = .${c}App)`];
  if (has("kv")) services.push(".kvService");
  if (has("d1")) services.push(".d1Service", `(name = "migrate", worker = .${c}Migrate)`, ".migrationsDisk");
  if (has("r2")) services.push(".r2Service");
  const disks = Object.keys(DISKS).filter((d) => has(d.slice(0, 2) as Kind));
  services.push(...disks.map((d) => `.disk${d.replace(/(^|-)(\w)/g, (_, _d, ch: string) => ch.toUpperCase())}`));
  const list = (xs: string[], indent: string) => xs.map((x) => `${indent}${x},`).join("\n");
  let out = `
# ${env ? `Environment "${env}": npm run start:workerd -- --env ${env}` : "Top level (no --env)"}
const ${c} :Workerd.Config = (
  services = [
${list(services, "    ")}
  ],
  sockets = [(name = "http", address = ${q(DEFAULT_ADDRESS)}, http = (), service = "app")],${has("r2") ? "\n  extensions = [.r2Extension]," : ""}
);

const ${c}App :Workerd.Worker = (
  modules = [
${list(appModules(p, files), "    ")}
  ],
  compatibilityDate = ${q(p.compatDate)},
  compatibilityFlags = [${compatFlags(p.lang).map(q).join(", ")}],
  bindings = [
${list(bindings, "    ")}
  ],
);
`;
  if (d1.length) {
    const dbs = d1.map((b) => bindingLine({ ...b, name: `d1:${b.name}` }, resourceName(p.name, b.name, env)));
    out += `
# Applies pending migrations (workerd test, run by run.mjs before serving).
const ${c}Migrate :Workerd.Worker = (
  modules = [(name = "migrate.js", esModule = embed "migrate.js")],
  compatibilityDate = ${q(p.compatDate)},
  bindings = [
    (name = "migrations", service = "migrations"),
${list(dbs, "    ")}
  ],
);
`;
  }
  return out;
}

function shared(p: Project): string {
  const has = (k: Kind) => p.bindings.some((b) => b.kind === k);
  const parts: string[] = [];
  // The bundled storage workers need a date with RPC (2024-04-03 or later); the project's date always is.
  const storage = (name: string, module: string, cls: string, store: string, extra: string) => `
const ${name}Service :Workerd.Service = (name = ${q(name)}, worker = (
  modules = [(name = ${q(module.split("/").pop() ?? module)}, ${module.startsWith("/") ? `bundled = ${q(module)}` : `esModule = embed ${q(module)}`})],
  compatibilityDate = ${q(p.compatDate)},
  durableObjectNamespaces = [(className = ${q(cls)}, uniqueKey = ${q(`${p.name}-${name}`)}, enableSql = true)],
  durableObjectStorage = (localDisk = ${q(store)}),
  bindings = [${extra}],
));
`;
  if (has("kv"))
    parts.push(storage("kv", "/workerd/kv.js", "KVNamespace", "kv-store", `(name = "SHARD", durableObjectNamespace = "KVNamespace"), (name = "BLOBS", service = "kv-blobs")`));
  if (has("d1")) {
    parts.push(storage("d1", "/workerd/d1.js", "D1Database", "d1-store", `(name = "DATABASE", durableObjectNamespace = "D1Database")`));
    parts.push(`const migrationsDisk :Workerd.Service = (name = "migrations", disk = (path = ${q(MIGRATIONS_DIR)}));\n`);
  }
  if (has("r2")) {
    parts.push(storage("r2", "r2.js", "R2Index", "r2-store", `(name = "INDEX", durableObjectNamespace = "R2Index"), (name = "BLOBS", service = "r2-blobs")`));
    parts.push(`const r2Extension :Workerd.Extension = (modules = [(name = "local:r2-bucket", esModule = embed "r2-bucket.js", internal = true)]);\n`);
  }
  for (const [svc, path] of Object.entries(DISKS)) {
    if (!has(svc.slice(0, 2) as Kind)) continue;
    const c = `disk${svc.replace(/(^|-)(\w)/g, (_, _d, ch: string) => ch.toUpperCase())}`;
    parts.push(`const ${c} :Workerd.Service = (name = ${q(svc)}, disk = (path = ${q(path)}, writable = true));\n`);
  }
  return parts.join("");
}

/** The text of workerd/config.capnp. */
export function workerdConfig(p: Project, files: ProjectFiles): string {
  const head = `# workerd config for ${p.name}, generated from the wrangler config by create-edge-worker.
# \`create-edge-worker add\` rewrites this file: change the wrangler config, not this file.
#
# Serve:  npm run build:workerd && npm run start:workerd [-- --env NAME] [-- --socket-addr http=0.0.0.0:8787]
# State:  ${STATE_DIR}/ (relative to the directory workerd runs in); paths under "embed" are relative to this file.
# Secrets (${files.secrets.length ? files.secrets.join(", ") : "none"}: the names in .dev.vars.example) come from the process environment.
using Workerd = import "/workerd/workerd.capnp";
`;
  const envs = [undefined, ...p.envs].map((e) => envConfig(p, files, e)).join("");
  return `${head}${envs}${shared(p)}`;
}
