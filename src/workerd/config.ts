// The workerd config of a project (workerd/config.capnp), derived from the parsed wrangler config:
// vars, compatibility date and flags, and each binding's resource, per scope. `create` renders it
// from the value it writes (configValue), `add` from the value it has just patched.
import { configValue } from "../config/serialize.ts";
import { CONFIG_KEY, entryFile, KINDS, type Kind, MIGRATIONS_DIR, type Project, resourceName } from "../model.ts";

export const WORKERD_CONFIG = "workerd/config.capnp";
/** Where `build:workerd` writes the bundle (relative to the project). */
export const WORKERD_BUNDLE_DIR = "workerd/dist";
/** All on-prem state lives here, relative to the directory workerd runs in. */
export const STATE_DIR = ".workerd-state";
export const DEFAULT_ADDRESS = "127.0.0.1:8787";
/**
 * The compatibility date of the internal storage workers (KV, D1, R2 stores). Not the project's: they need
 * RPC (2024-04-03 or later), and `add` takes the project's date from a config that may be older. Fixed, not
 * COMPATIBILITY_DATE: that one moves with releases, and a newer date than the project's installed workerd
 * (pinned when it was created) would be refused. This is the date they were tested with, which every
 * workerd version the generated projects have pinned accepts.
 */
export const STORAGE_COMPAT_DATE = "2026-11-09";

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

/**
 * `staging` -> `envStaging`, `staging_eu` -> `envStagingEu`: a Cap'n Proto constant name (camelCase, letters
 * and digits only), as run.mjs computes it for `--env`. Any run of other characters separates words.
 */
export function envConst(env?: string): string {
  if (!env) return "config";
  return `env${env
    .split(/[^A-Za-z0-9]+/)
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

/** One binding of one scope, with the resource it names in the wrangler config. */
export interface ScopeBinding {
  kind: Kind;
  name: string;
  /** KV: the namespace id (or a name made from the worker's); D1: database_name (or database_id); R2: bucket_name. */
  resource: string;
  /** D1 only: where its migrations are (migrations_dir, default "migrations"). */
  migrationsDir?: string;
}

/** What workerd needs of one scope (top level or environment) of the wrangler config. */
export interface ScopeConfig {
  env?: string;
  compatDate: string;
  compatFlags: string[];
  vars: [string, unknown][];
  bindings: ScopeBinding[];
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/**
 * The scopes of a parsed wrangler config, as wrangler reads them: compatibility_date and
 * compatibility_flags are inherited by environments, vars and bindings are not.
 */
export function configScopes(p: Project, value: Table): ScopeConfig[] {
  const envTable = isTable(value.env) ? value.env : {};
  const scope = (t: Table, env?: string): ScopeConfig => {
    const bindings: ScopeBinding[] = [];
    for (const kind of KINDS) {
      const list = t[CONFIG_KEY[kind]];
      if (!Array.isArray(list)) continue;
      for (const e of list) {
        if (!isTable(e) || typeof e.binding !== "string" || bindings.some((b) => b.name === e.binding)) continue;
        const derived = resourceName(p.name, e.binding, env);
        if (kind === "kv") bindings.push({ kind, name: e.binding, resource: str(e.id) ?? derived });
        else if (kind === "d1")
          bindings.push({ kind, name: e.binding, resource: str(e.database_name) ?? str(e.database_id) ?? derived, migrationsDir: str(e.migrations_dir) ?? MIGRATIONS_DIR });
        else bindings.push({ kind, name: e.binding, resource: str(e.bucket_name) ?? derived });
      }
    }
    const flags = t.compatibility_flags ?? value.compatibility_flags;
    return {
      env,
      compatDate: str(t.compatibility_date) ?? str(value.compatibility_date) ?? p.compatDate,
      compatFlags: Array.isArray(flags) ? flags.filter((f): f is string => typeof f === "string") : [],
      vars: isTable(t.vars) ? Object.entries(t.vars) : [],
      bindings,
    };
  };
  return [scope(value), ...Object.entries(envTable).map(([env, t]) => scope(isTable(t) ? t : {}, env))];
}

function bindingLine(b: { kind: Kind; name: string; resource: string }): string {
  switch (b.kind) {
    case "kv":
      return `(name = ${q(b.name)}, kvNamespace = (name = "kv", ${props({ namespace: b.resource })}))`;
    case "d1":
      return `(name = ${q(b.name)}, wrapped = (moduleName = "cloudflare-internal:d1-api", innerBindings = [(name = "fetcher", service = (name = "d1", ${props({ database: b.resource })}))]))`;
    case "r2":
      return `(name = ${q(b.name)}, wrapped = (moduleName = "local:r2-bucket", innerBindings = [(name = "fetcher", service = (name = "r2", ${props({ bucket: b.resource })}))]))`;
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

/** The disk service of a migrations folder: "migrations" for the default one. */
const migrationsService = (dir: string) => (dir === MIGRATIONS_DIR ? "migrations" : `migrations-${dir.replace(/[^A-Za-z0-9]+/g, "-")}`);

function envConfig(p: Project, files: ProjectFiles, s: ScopeConfig): string {
  const { env } = s;
  const c = envConst(env);
  const has = (k: Kind) => s.bindings.some((b) => b.kind === k);
  const d1 = s.bindings.filter((b) => b.kind === "d1");
  const bindings = [
    ...s.vars.map(([k, v]) => valueLine(k, v)),
    ...files.secrets.map((n) => `(name = ${q(n)}, fromEnvironment = ${q(n)})`),
    ...s.bindings.map(bindingLine),
  ];
  const dirs = [...new Set(d1.map((b) => b.migrationsDir ?? MIGRATIONS_DIR))];
  const services = [`(name = "app", worker = .${c}App)`];
  if (has("kv")) services.push(".kvService");
  if (has("d1")) {
    services.push(".d1Service", `(name = "migrate", worker = .${c}Migrate)`);
    services.push(...dirs.map((d) => `(name = ${q(migrationsService(d))}, disk = (path = ${q(d)}))`));
  }
  if (has("r2")) services.push(".r2Service");
  const disks = Object.keys(DISKS).filter((d) => has(d.slice(0, 2) as Kind));
  services.push(...disks.map((d) => `.disk${d.replace(/(^|-)(\w)/g, (_, _d, ch: string) => ch.toUpperCase())}`));
  const list = (xs: string[], indent: string) => xs.map((x) => `${indent}${x},`).join("\n");
  // With D1, requests go through the migrate worker: it applies pending migrations before the first one.
  const entry = d1.length ? "migrate" : "app";
  let out = `
# ${env ? `Environment "${env}": npm run start:workerd -- --env ${env}` : "Top level (no --env)"}
const ${c} :Workerd.Config = (
  services = [
${list(services, "    ")}
  ],
  sockets = [(name = "http", address = ${q(DEFAULT_ADDRESS)}, http = (), service = ${q(entry)})],${has("r2") ? "\n  extensions = [.r2Extension]," : ""}
);

const ${c}App :Workerd.Worker = (
  modules = [
${list(appModules(p, files), "    ")}
  ],
  compatibilityDate = ${q(s.compatDate)},
  compatibilityFlags = [${s.compatFlags.map(q).join(", ")}],
  bindings = [
${list(bindings, "    ")}
  ],
);
`;
  if (d1.length) {
    const dbs = d1.flatMap((b) => [
      bindingLine({ ...b, name: `d1:${b.name}` }),
      `(name = ${q(`migrations:${b.name}`)}, service = ${q(migrationsService(b.migrationsDir ?? MIGRATIONS_DIR))})`,
    ]);
    out += `
# Applies pending D1 migrations before the first request is passed on to the app (and on
# \`workerd test\`, run by run.mjs before serving); already applied files are skipped.
const ${c}Migrate :Workerd.Worker = (
  modules = [(name = "migrate.js", esModule = embed "migrate.js")],
  compatibilityDate = ${q(s.compatDate)},
  bindings = [
    (name = "app", service = "app"),
${list(dbs, "    ")}
  ],
);
`;
  }
  return out;
}

function shared(p: Project, scopes: ScopeConfig[]): string {
  const has = (k: Kind) => scopes.some((s) => s.bindings.some((b) => b.kind === k));
  const parts: string[] = [];
  const storage = (name: string, module: string, cls: string, store: string, extra: string) => `
const ${name}Service :Workerd.Service = (name = ${q(name)}, worker = (
  modules = [(name = ${q(module.split("/").pop() ?? module)}, ${module.startsWith("/") ? `bundled = ${q(module)}` : `esModule = embed ${q(module)}`})],
  compatibilityDate = ${q(STORAGE_COMPAT_DATE)},
  durableObjectNamespaces = [(className = ${q(cls)}, uniqueKey = ${q(`${p.name}-${name}`)}, enableSql = true)],
  durableObjectStorage = (localDisk = ${q(store)}),
  bindings = [${extra}],
));
`;
  if (has("kv"))
    parts.push(storage("kv", "/workerd/kv.js", "KVNamespace", "kv-store", `(name = "SHARD", durableObjectNamespace = "KVNamespace"), (name = "BLOBS", service = "kv-blobs")`));
  if (has("d1")) parts.push(storage("d1", "/workerd/d1.js", "D1Database", "d1-store", `(name = "DATABASE", durableObjectNamespace = "D1Database")`));
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

const PYODIDE_NOTE = `#
# Python: on its first start workerd downloads the Pyodide runtime bundle, so that machine needs
# internet access once. For an air-gapped host, start once on a connected machine with
# \`--pyodide-bundle-disk-cache-dir DIR\`, copy DIR over and pass the same option there.
`;

/** The text of workerd/config.capnp, from the parsed wrangler config (the one `create` writes by default). */
export function workerdConfig(p: Project, files: ProjectFiles, value: Record<string, unknown> = configValue(p)): string {
  const head = `# workerd config for ${p.name}, generated from the wrangler config by create-edge-worker.
# \`create-edge-worker add\` rewrites this file: change the wrangler config, not this file.
#
# Serve:  npm run build:workerd && npm run start:workerd -- [--env NAME] [--socket-addr http=0.0.0.0:8787]
# Or:     npm run compile:workerd, then workerd/server.sh (no Node needed; see README.md)
# State:  ${STATE_DIR}/ (relative to the directory workerd runs in); paths under "embed" are relative to this file.
# Secrets (${files.secrets.length ? files.secrets.join(", ") : "none"}: the names in .dev.vars.example) come from the process environment.
${p.lang === "python" ? PYODIDE_NOTE : ""}using Workerd = import "/workerd/workerd.capnp";
`;
  const scopes = configScopes(p, value);
  return `${head}${scopes.map((s) => envConfig(p, files, s)).join("")}${shared(p, scopes)}`;
}
