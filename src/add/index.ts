// add: read the config -> model -> one change per environment -> patches -> verify -> write (or diff).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import kleur from "kleur";
import { patchConfig } from "../config/patch.ts";
import { type BindingChange, conflictMessage, existingEntry, inScope, type ProjectConfig, readProject, scopeLabel } from "../config/read.ts";
import { UsageError } from "../errors.ts";
import { derivedFiles } from "../features/derived.ts";
import { type BindingEntry, bindingEntry, CONFIG_KEY, type EntryOptions, KIND_LABEL, KINDS, type Kind } from "../model.ts";
import { packageRoot } from "../package-root.ts";
import { checkBindingName, checkResourceId, checkResourceName, ensure, ensureOneOf } from "../validate.ts";
import { writeFileAtomic } from "../write.ts";
import { unifiedDiff } from "./diff.ts";
import { out } from "./out.ts";
import { otherBindingNamed } from "./names.ts";
import { usageSnippet } from "./snippets.ts";
import { updateTypes } from "./types.ts";

export interface AddFlags {
  env?: string[];
  id?: string;
  databaseName?: string;
  databaseId?: string;
  bucketName?: string;
  cwd?: string;
  dryRun?: boolean;
}

interface FileChange {
  path: string;
  before: string | undefined;
  after: string;
}

const OPTION_KIND: Record<string, [keyof EntryOptions, Kind, string, (v: string) => string | undefined]> = {
  "--id": ["id", "kv", "id", checkResourceId],
  "--database-name": ["databaseName", "d1", "database_name", checkResourceName],
  "--database-id": ["databaseId", "d1", "database_id", checkResourceId],
  "--bucket-name": ["bucketName", "r2", "bucket_name", checkResourceName],
};

/** The options given on the command line, checked. */
function entryOptions(kind: Kind, flags: AddFlags): EntryOptions {
  const opts: EntryOptions = {};
  for (const [flag, [prop, forKind, , check]] of Object.entries(OPTION_KIND)) {
    const v = flags[prop];
    if (v === undefined) continue;
    if (forKind !== kind) throw new UsageError(`${flag}: applies to ${forKind} bindings only, not ${kind}`);
    ensure(flag, v, check(v));
    opts[prop] = v;
  }
  return opts;
}

/**
 * Each scope gets its own resource, as `create` gives it: a name given is the top level's and
 * `<name>-<env>` an environment's; an id names one existing resource, so it is the top level's only.
 */
function scopedOptions(opts: EntryOptions, env: string | undefined): EntryOptions {
  if (env === undefined) return opts;
  const scoped: EntryOptions = {};
  if (opts.databaseName) scoped.databaseName = `${opts.databaseName}-${env}`;
  if (opts.bucketName) scoped.bucketName = `${opts.bucketName}-${env}`;
  return scoped;
}

/** The entry keys that options set, to compare with an entry already there. */
function entryKeys(opts: EntryOptions): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [prop, , key] of Object.values(OPTION_KIND)) if (opts[prop]) keys[key] = opts[prop];
  return keys;
}

/** The option that names a kind's resource (KV namespaces are named by wrangler, not here). */
const NAME_FLAG: Partial<Record<Kind, string>> = { d1: "--database-name", r2: "--bucket-name" };

/** Names made from the worker's name or from a given one can break the resource rules (length above all). */
function checkNames(kind: Kind, name: string, entry: BindingEntry, given: EntryOptions): BindingEntry {
  const flag = NAME_FLAG[kind];
  if (!flag) return entry;
  const [prop, , key] = OPTION_KIND[flag];
  const problem = checkResourceName(entry[key]);
  if (!problem) return entry;
  const label = `${KIND_LABEL[kind]} name ${JSON.stringify(entry[key])}`;
  if (given[prop]) throw new UsageError(`BINDING ${JSON.stringify(name)}: the ${label} made from ${flag} ${problem}; choose a shorter one`);
  throw new UsageError(`BINDING ${JSON.stringify(name)}: the derived ${label} ${problem}; choose one with ${flag}`);
}

/** undefined is the top level. The top level is always included. */
function targetEnvs(flag: string[] | undefined, cfg: ProjectConfig): (string | undefined)[] {
  const names = (flag ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  const declared = cfg.project.envs;
  if (!names.length || names.includes("all")) return [undefined, ...declared];
  for (const n of names)
    if (!declared.includes(n))
      throw new UsageError(`--env ${JSON.stringify(n)}: no such environment in ${cfg.file} (it declares ${declared.length ? declared.join(", ") : "none"})`);
  return [undefined, ...declared.filter((e) => names.includes(e))];
}

/** A first migration for every migrations_dir of the binding that has none (the same file `create` writes). */
function migrationFiles(cfg: ProjectConfig, name: string): FileChange[] {
  const dirs = new Set<string>();
  for (const s of cfg.scopes)
    for (const { kind, entry } of s.entries)
      if (kind === "d1" && entry.binding === name && typeof entry.migrations_dir === "string") dirs.add(entry.migrations_dir);
  const template = join(packageRoot(), "templates/features/d1/common/migrations/0001_init.sql");
  const out: FileChange[] = [];
  for (const d of dirs) {
    const abs = join(cfg.dir, d);
    if (existsSync(abs) && readdirSync(abs).some((f) => f.endsWith(".sql"))) continue;
    out.push({ path: join(d, "0001_init.sql"), before: undefined, after: readFileSync(template, "utf8") });
  }
  return out;
}

function derivedChanges(after: ProjectConfig): FileChange[] {
  return derivedFiles(after.project, after.dir, after.value).flatMap((f) => {
    const abs = join(after.dir, f.path);
    const before = existsSync(abs) ? readFileSync(abs, "utf8") : undefined;
    return before === f.content ? [] : [{ path: f.path, before, after: f.content }];
  });
}

export async function add(kindArg: string, name: string, flags: AddFlags): Promise<void> {
  const kind = ensureOneOf("<kind>", kindArg, KINDS);
  ensure("BINDING", name, checkBindingName(name));
  const opts = entryOptions(kind, flags);
  const dir = resolve(flags.cwd ?? ".");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--cwd ${JSON.stringify(flags.cwd)}: not a directory`);
  const cfg = readProject(dir);
  const envs = targetEnvs(flags.env, cfg);

  // 1. Every check before any change: clashes with other bindings and vars, then same name with other settings.
  const added: string[] = [];
  const present: string[] = [];
  const changes: BindingChange[] = [];
  for (const env of envs) {
    const clash = otherBindingNamed(cfg.value, env, kind, name);
    if (clash) throw new UsageError(`${name} is already ${clash} ${inScope(env)} of ${cfg.file}`);
    const key = CONFIG_KEY[kind];
    const scoped = scopedOptions(opts, env);
    const wanted = { key, env, entry: { binding: name, ...entryKeys(scoped) } };
    const found = existingEntry(cfg.value, wanted);
    if (found && !found.same) throw new UsageError(conflictMessage(wanted, found.entry));
    if (found) present.push(scopeLabel(env));
    else changes.push({ key, env, entry: checkNames(kind, name, bindingEntry(cfg.project.name, { kind, name }, env, scoped), opts) });
  }

  // 2. Patch: every new entry, verified (see patchConfig). None of them is there yet (step 1 checked).
  const text = changes.length ? patchConfig(cfg.text, cfg.format, changes) : cfg.text;
  for (const change of changes) {
    const resource = change.entry.database_name ?? change.entry.bucket_name ?? change.entry.id;
    added.push(resource ? `${scopeLabel(change.env)} (${resource})` : scopeLabel(change.env));
  }
  const after = readProject(dir, text);
  const configChange: FileChange[] = changes.length ? [{ path: cfg.file, before: cfg.text, after: text }] : [];
  const others: FileChange[] = [...(kind === "d1" ? migrationFiles(after, name) : []), ...derivedChanges(after)];
  const files = [...configChange, ...others];

  const label = `${KIND_LABEL[kind]} binding ${kleur.bold(name)}`;
  const say = (s: string) => out(`${s}\n`);
  if (flags.dryRun) {
    for (const f of files) out(unifiedDiff(f.path, f.before, f.after));
    say(files.length ? `${files.length} file(s) would change (dry run: nothing written)` : `${name} is already there; nothing would change (dry run)`);
    return;
  }

  // 3. Write: the config last, so that an interrupted run is completed by running it again.
  for (const f of [...others, ...configChange]) {
    const abs = join(dir, f.path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileAtomic(abs, f.after);
  }
  if (added.length) say(`${kleur.green("✔")} Added ${label} to ${cfg.file}: ${added.join(", ")}`);
  if ((opts.id || opts.databaseId) && changes.some((c) => c.env !== undefined))
    say("The id is the top level's: each environment gets its own resource, created by wrangler on its first deploy.");
  if (present.length) say(`${added.length ? "Already there" : `${label} already exists with these settings; nothing to add`}: ${present.join(", ")}`);
  for (const f of others) say(`${f.before === undefined ? "Created" : "Updated"} ${f.path}`);
  if (!files.length) return;

  // 4. Types and usage.
  if (after.project.lang === "typescript" && configChange.length) say(await updateTypes(dir));
  say(`\nUse it in ${typeof after.value.main === "string" ? after.value.main : "your worker"}:`);
  for (const line of usageSnippet(after.project.lang, kind, name)) say(`  ${line}`);
}
