// Checks for every user-given value. Each check returns an error message naming the rule, or undefined.
// Everything that reaches a generated file (TOML, JSON, YAML, Cap'n Proto, Python, TypeScript) passes one
// of these first, so only a safe alphabet ever gets there: no quotes, newlines, `${{`, spaces or unicode.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./errors.ts";
import { type Binding, KIND_LABEL, type Project, resourceName } from "./model.ts";
import { COMPATIBILITY_DATE } from "./versions.ts";

const WORKER_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Narrower than JavaScript's rule: no `$`, so the same name is also a Python attribute.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RESOURCE_NAME = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;
const RESOURCE_ID = /^[A-Za-z0-9-]{1,64}$/;
const OLDEST_DATE = "2021-11-03";

const RESERVED = new Set(
  (
    // JavaScript
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await arguments eval undefined " +
    // Python
    "False None True and as assert async def del elif except from global is lambda nonlocal not or pass raise"
  ).split(" "),
);

// Keys that mean something at the top level of a wrangler config; an environment by that name would confuse readers and tools.
const WRANGLER_KEYS = new Set(
  ("name main compatibility_date compatibility_flags vars env build site triggers routes route workers_dev " +
    "kv_namespaces d1_databases r2_buckets durable_objects migrations services queues observability " +
    "limits placement assets define rules tsconfig account_id top default local").split(" "),
);

export function checkWorkerName(name: string): string | undefined {
  if (!WORKER_NAME.test(name))
    return "must be 1-63 lowercase letters, digits and dashes, not starting or ending with a dash";
}

/** Turns a directory name into a valid worker name, or "" if nothing usable is left. */
export function slugify(input: string): string {
  return input
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 63)
    .replace(/-$/, "");
}

export function checkBindingName(name: string): string | undefined {
  if (!IDENTIFIER.test(name))
    return "must be an identifier: letters, digits and _, not starting with a digit";
  if (RESERVED.has(name)) return "is a reserved word in JavaScript or Python";
  if (name.length > 63) return "must be at most 63 characters";
}

export function checkEnvName(name: string): string | undefined {
  if (!ENV_NAME.test(name)) return "must start with a lowercase letter and contain only lowercase letters, digits and dashes (at most 31)";
  if (WRANGLER_KEYS.has(name)) return `"${name}" is a wrangler config key; choose another environment name`;
}

export function checkCompatDate(date: string): string | undefined {
  if (!DATE.test(date)) return "must be a date as YYYY-MM-DD";
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) return "must be a real calendar date";
  if (date < OLDEST_DATE) return `must be ${OLDEST_DATE} or later`;
  // The pinned runtime refuses dates newer than itself.
  if (date > COMPATIBILITY_DATE) return `must be ${COMPATIBILITY_DATE} or earlier (the newest date the pinned runtime accepts)`;
}

export function checkResourceName(name: string): string | undefined {
  if (!RESOURCE_NAME.test(name)) return "must be 3-63 lowercase letters, digits and dashes, not starting or ending with a dash";
}

export function checkResourceId(id: string): string | undefined {
  if (!RESOURCE_ID.test(id)) return "must be 1-64 letters, digits and dashes";
}

/** Throws a UsageError naming the flag, the value and the rule. */
export function ensure(flag: string, value: string, problem: string | undefined): void {
  if (problem) throw new UsageError(`${flag} ${JSON.stringify(value)}: ${problem}`);
}

export function ensureOneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${flag} ${JSON.stringify(value)}: must be one of ${allowed.join(", ")}`);
  return value as T;
}

/**
 * Binding names must be unique across kinds, must not shadow a var, and must not differ only in case
 * (routes and file names are derived from the lowercased name).
 */
export function checkBindings(bindings: Binding[], taken: Iterable<string> = []): void {
  const seen = new Map<string, string>();
  for (const name of taken) seen.set(name.toLowerCase(), `the var ${name}`);
  for (const b of bindings) {
    ensure(`--${b.kind}`, b.name, checkBindingName(b.name));
    const other = seen.get(b.name.toLowerCase());
    if (other) throw new UsageError(`--${b.kind} ${JSON.stringify(b.name)}: the name is already used by ${other} (names must differ in more than case)`);
    seen.set(b.name.toLowerCase(), `the ${KIND_LABEL[b.kind]} binding ${b.name}`);
  }
}

export function checkEnvs(envs: string[]): void {
  const seen = new Set<string>();
  for (const e of envs) {
    ensure("--env", e, checkEnvName(e));
    if (seen.has(e)) throw new UsageError(`--env ${JSON.stringify(e)}: listed twice`);
    seen.add(e);
  }
}

/** `<worker>-<env>` is the name wrangler deploys an environment as: it must be a valid worker name too. */
export function checkEnvWorkerNames(worker: string, envs: string[]): void {
  for (const env of envs) {
    const full = `${worker}-${env}`;
    if (checkWorkerName(full))
      throw new UsageError(`--env ${JSON.stringify(env)}: wrangler deploys it as the worker "${full}", which is longer than 63 characters; use a shorter --name or environment name`);
  }
}

/**
 * D1 database and R2 bucket names derived from the worker and binding names (`<worker>-<binding>[-<env>]`)
 * must be valid too: a long worker name is refused here rather than written into a config wrangler rejects.
 */
export function checkDerivedNames(worker: string, bindings: Binding[], envs: string[]): void {
  for (const b of bindings.filter((x) => x.kind === "d1" || x.kind === "r2")) {
    for (const env of [undefined, ...envs]) {
      const res = resourceName(worker, b.name, env);
      const problem = checkResourceName(res);
      if (problem)
        throw new UsageError(`--${b.kind} ${JSON.stringify(b.name)}: the derived ${KIND_LABEL[b.kind]} name "${res}" ${problem}; use a shorter --name or binding name`);
    }
  }
}

/** Every rule that involves more than one value of the project. */
export function checkProject(p: Project, reservedNames: Iterable<string>): void {
  ensure("--name", p.name, checkWorkerName(p.name));
  ensure("--compat-date", p.compatDate, checkCompatDate(p.compatDate));
  checkEnvs(p.envs);
  checkBindings(p.bindings, reservedNames);
  checkEnvWorkerNames(p.name, p.envs);
  checkDerivedNames(p.name, p.bindings, p.envs);
}

/** The directory argument as text, before looking at the disk. */
export function checkDirText(dir: string): string | undefined {
  if (dir.trim() === "") return "must not be empty";
  if (/[\u0000-\u001f\u007f]/.test(dir)) return "must not contain control characters";
}

/** What is wrong with creating a project in `dir`, or undefined. A non-empty folder is fine only with --force. */
export function checkTargetDir(dir: string, force: boolean): string | undefined {
  const problem = checkDirText(dir);
  if (problem) return problem;
  const target = resolve(dir);
  // Walk up to the first part that exists: it must be a folder.
  let existing = target;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory())
    return existing === target ? "exists and is not a directory" : `${JSON.stringify(existing)} is a file, not a directory`;
  if (existing !== target) return undefined;
  const entries = readdirSync(target);
  if (entries.length === 0 || force) return undefined;
  const shown = entries.slice(0, 10).join(", ") + (entries.length > 10 ? `, and ${entries.length - 10} more` : "");
  return `not empty (${shown}); choose another directory, or pass --force to add only missing files`;
}
