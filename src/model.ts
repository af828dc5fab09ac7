// The one model of a project. `create` renders it; `add` and `list` read it
// back from the wrangler config, change it and patch the files.

export type Lang = "python" | "typescript";
export type Kind = "kv" | "d1" | "r2";
export type ConfigFormat = "toml" | "jsonc" | "json";
export type Ci = "github" | "none";
export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

export const LANGS: readonly Lang[] = ["python", "typescript"];
export const KINDS: readonly Kind[] = ["kv", "d1", "r2"];
export const CONFIG_FORMATS: readonly ConfigFormat[] = ["toml", "jsonc"];
export const CIS: readonly Ci[] = ["github", "none"];
export const PACKAGE_MANAGERS: readonly PackageManager[] = ["npm", "pnpm", "yarn", "bun"];

export interface Binding {
  kind: Kind;
  name: string;
}

export interface Project {
  name: string;
  lang: Lang;
  bindings: Binding[];
  envs: string[];
  config: ConfigFormat;
  ci: Ci;
  workerd: boolean;
  compatDate: string;
}

export const DEFAULT_BINDING_NAME: Record<Kind, string> = { kv: "CACHE", d1: "DB", r2: "ASSETS" };

export const KIND_LABEL: Record<Kind, string> = { kv: "KV namespace", d1: "D1 database", r2: "R2 bucket" };

/** The wrangler config key that holds each kind's array of bindings. */
export const CONFIG_KEY: Record<Kind, string> = { kv: "kv_namespaces", d1: "d1_databases", r2: "r2_buckets" };

export const MIGRATIONS_DIR = "migrations";

/**
 * The resource a binding points at, per environment: `my-app-db`, `my-app-db-staging`.
 * Each environment gets its own so that staging never writes to production data.
 */
export function resourceName(worker: string, binding: string, env?: string): string {
  const base = `${worker}-${binding.toLowerCase().replace(/_/g, "-")}`;
  return env ? `${base}-${env}` : base;
}

/**
 * One binding's entry in the wrangler config for the top level (env undefined) or an environment.
 * KV ids and D1 database ids are left out: wrangler creates the resources on first deploy.
 */
export type BindingEntry = Record<string, string>;

export interface EntryOptions {
  id?: string;
  databaseName?: string;
  databaseId?: string;
  bucketName?: string;
}

export function bindingEntry(worker: string, b: Binding, env?: string, opts: EntryOptions = {}): BindingEntry {
  switch (b.kind) {
    case "kv":
      return opts.id ? { binding: b.name, id: opts.id } : { binding: b.name };
    case "d1": {
      const e: BindingEntry = { binding: b.name, database_name: opts.databaseName ?? resourceName(worker, b.name, env) };
      if (opts.databaseId) e.database_id = opts.databaseId;
      e.migrations_dir = MIGRATIONS_DIR;
      return e;
    }
    case "r2":
      return { binding: b.name, bucket_name: opts.bucketName ?? resourceName(worker, b.name, env) };
  }
}

/** The vars every generated worker has, per environment. */
export function varsFor(env?: string): Record<string, string> {
  return { ENVIRONMENT: env ?? "development" };
}

export function entryFile(lang: Lang): string {
  return lang === "python" ? "src/entry.py" : "src/index.ts";
}

export function compatFlags(lang: Lang): string[] {
  return lang === "python" ? ["python_workers"] : ["nodejs_compat"];
}

export function configFileName(format: ConfigFormat): string {
  return `wrangler.${format}`;
}
