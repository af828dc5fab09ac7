// Checks for every user-given value. Each returns an error message naming the rule, or undefined.
import { UsageError } from "./errors.ts";
import type { Binding, Project } from "./model.ts";

const WORKER_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const JS_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const ENV_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RESOURCE_NAME = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;
const RESOURCE_ID = /^[A-Za-z0-9-]{1,64}$/;

const JS_RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await").split(" "),
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
  if (!JS_IDENTIFIER.test(name) || JS_RESERVED.has(name))
    return "must be a valid JavaScript identifier (letters, digits, _ or $, not starting with a digit, not a reserved word)";
  if (name.length > 63) return "must be at most 63 characters";
}

export function checkEnvName(name: string): string | undefined {
  if (!ENV_NAME.test(name)) return "must start with a lowercase letter and contain only lowercase letters, digits and dashes (at most 31)";
  if (WRANGLER_KEYS.has(name)) return `"${name}" is a wrangler config key; choose another environment name`;
}

export function checkCompatDate(date: string): string | undefined {
  const m = DATE.exec(date);
  if (!m) return "must be a date as YYYY-MM-DD";
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) return "must be a real calendar date";
  if (date < "2021-11-03") return "must be 2021-11-03 or later";
}

export function checkResourceName(name: string): string | undefined {
  if (!RESOURCE_NAME.test(name)) return "must be 3-63 lowercase letters, digits and dashes, not starting or ending with a dash";
}

export function checkResourceId(id: string): string | undefined {
  if (!RESOURCE_ID.test(id)) return "must be letters, digits and dashes only";
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

export function checkBindings(bindings: Binding[], taken: Iterable<string> = []): void {
  const seen = new Map<string, string>();
  for (const name of taken) seen.set(name, "var");
  for (const b of bindings) {
    ensure(`--${b.kind}`, b.name, checkBindingName(b.name));
    const other = seen.get(b.name);
    if (other) throw new UsageError(`--${b.kind} ${JSON.stringify(b.name)}: the name is already used by ${other === "var" ? "a var" : `a ${other} binding`}`);
    seen.set(b.name, b.kind);
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

/** Every rule that involves more than one value of the project. */
export function checkProject(p: Project, reservedNames: Iterable<string>): void {
  ensure("--name", p.name, checkWorkerName(p.name));
  ensure("--compat-date", p.compatDate, checkCompatDate(p.compatDate));
  checkEnvs(p.envs);
  checkBindings(p.bindings, reservedNames);
}
