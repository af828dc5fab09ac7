// Flags -> a complete set of choices. A flag wins over a prompt, and a prompt wins over a default.
import { basename, resolve } from "node:path";
import { UsageError } from "../errors.ts";
import {
  type Binding,
  type Ci,
  CIS,
  CONFIG_FORMATS,
  type ConfigFormat,
  KINDS,
  type Lang,
  LANGS,
  PACKAGE_MANAGERS,
  type PackageManager,
  type Project,
  varsFor,
} from "../model.ts";
import { checkBindings, checkCompatDate, checkDirText, checkEnvs, checkWorkerName, ensure, ensureOneOf, slugify } from "../validate.ts";
import { COMPATIBILITY_DATE } from "../versions.ts";
import { shellQuote } from "../ui.ts";

export interface CreateFlags {
  name?: string;
  lang?: string;
  kv?: string[];
  d1?: string[];
  r2?: string[];
  env?: string[];
  config?: string;
  ci?: string;
  compatDate?: string;
  pm?: string;
  install?: boolean;
  git?: boolean;
  workerd?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

export interface CreateChoices {
  dir: string;
  project: Project;
  pm: PackageManager;
  install: boolean;
  git: boolean;
}

export const DEFAULT_DIR = "my-worker";

export const defaults = {
  lang: "python" as Lang,
  config: "toml" as ConfigFormat,
  ci: "github" as Ci,
  workerd: false,
  install: true,
  git: true,
};

/** The package manager that started us (`npm create`, `pnpm create`, `yarn create`, `bun create`). */
export function detectPm(userAgent = process.env.npm_config_user_agent ?? ""): PackageManager {
  const name = userAgent.split("/")[0];
  return (PACKAGE_MANAGERS as readonly string[]).includes(name) ? (name as PackageManager) : "npm";
}

/** Splits repeatable, comma-separated list flags: `--kv A,B --kv C`. Empty items are kept, to be refused. */
export function splitList(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values.flatMap((v) => v.split(",")).map((v) => v.trim());
}

export function bindingsFromFlags(flags: CreateFlags): Binding[] | undefined {
  if (!flags.kv && !flags.d1 && !flags.r2) return undefined;
  return KINDS.flatMap((kind) => (splitList(flags[kind]) ?? []).map((name) => ({ kind, name })));
}

/** The worker name a directory suggests: its own name if valid, else a slug of it ("" if none). */
export function nameFromDir(dir: string): string {
  const base = basename(resolve(dir));
  return checkWorkerName(base) ? slugify(base) : base;
}

/** The name of a directory that is not a valid worker name, with the slug to use instead. */
function dirNameProblem(dir: string): string | undefined {
  const base = basename(resolve(dir));
  const problem = checkWorkerName(base);
  if (!problem) return undefined;
  const slug = slugify(base);
  return `directory name ${JSON.stringify(base)} is not a valid worker name (${problem}); ${slug ? `pass --name ${slug}` : "pass --name"}`;
}

const SWITCHES = ["workerd", "install", "git"];
const SINGLE_VALUED = ["name", "lang", "config", "ci", "compat-date", "pm"];

/** Refuses `--x --no-x`, and one-value flags given twice with different values (commander keeps the last silently). */
export function checkFlagConflicts(args: string[]): void {
  const values = new Map<string, string>();
  const switches = new Map<string, string>();
  for (let i = 0; i < args.length && args[i] !== "--"; i++) {
    const m = /^--(no-)?([a-z-]+)(?:=(.*))?$/s.exec(args[i]);
    if (!m) continue;
    const [, no, flag, inline] = m;
    if (SWITCHES.includes(flag)) {
      const prev = switches.get(flag);
      if (prev !== undefined && prev !== args[i]) throw new UsageError(`${prev} and ${args[i]}: conflicting flags; give one`);
      switches.set(flag, args[i]);
    } else if (!no && SINGLE_VALUED.includes(flag)) {
      const value = inline ?? args[++i] ?? "";
      const prev = values.get(flag);
      if (prev !== undefined && prev !== value)
        throw new UsageError(`--${flag} given twice (${JSON.stringify(prev)} and ${JSON.stringify(value)}): give it once`);
      values.set(flag, value);
    }
  }
}

/** Rules between flags that commander cannot express. */
export function checkFlagCombinations(flags: CreateFlags): void {
  if (flags.dryRun && flags.install) throw new UsageError("--dry-run with --install: a dry run writes nothing, so there is nothing to install");
  if (flags.dryRun && flags.git) throw new UsageError("--dry-run with --git: a dry run writes nothing, so there is nothing to commit");
}

/** Checks the flags that take one of a fixed set of values, before any prompt. */
export function checkEnumFlags(flags: CreateFlags): void {
  if (flags.lang !== undefined) ensureOneOf("--lang", flags.lang, LANGS);
  if (flags.config !== undefined) ensureOneOf("--config", flags.config, CONFIG_FORMATS);
  if (flags.ci !== undefined) ensureOneOf("--ci", flags.ci, CIS);
  if (flags.pm !== undefined) ensureOneOf("--pm", flags.pm, PACKAGE_MANAGERS);
}

/** Checks every value the flags give, so that a bad one stops the run before any prompt. */
export function checkGivenFlags(flags: CreateFlags): void {
  checkEnumFlags(flags);
  checkFlagCombinations(flags);
  if (flags.name !== undefined) ensure("--name", flags.name, checkWorkerName(flags.name));
  if (flags.compatDate !== undefined) ensure("--compat-date", flags.compatDate, checkCompatDate(flags.compatDate));
  checkEnvs(splitList(flags.env) ?? []);
  checkBindings(bindingsFromFlags(flags) ?? [], Object.keys(varsFor()));
}

/** Everything not given takes its default: used when there is no one to ask. */
export function choicesFromFlags(dirArg: string | undefined, flags: CreateFlags): CreateChoices {
  checkEnumFlags(flags);
  checkFlagCombinations(flags);
  const dir = dirArg ?? flags.name ?? DEFAULT_DIR;
  ensure("directory", dir, checkDirText(dir));
  // Values without a default, listed together so that one run shows everything to add.
  const missing: string[] = [];
  if (flags.name === undefined) {
    const problem = dirNameProblem(dir);
    if (problem) missing.push(`--name: ${problem}`);
  }
  if (missing.length) throw new UsageError(`missing values (no terminal to ask): ${missing.join("; ")}`);
  return {
    dir,
    pm: (flags.pm as PackageManager | undefined) ?? detectPm(),
    install: flags.install ?? (flags.dryRun ? false : defaults.install),
    git: flags.git ?? (flags.dryRun ? false : defaults.git),
    project: {
      name: flags.name ?? basename(resolve(dir)),
      lang: (flags.lang as Lang | undefined) ?? defaults.lang,
      bindings: bindingsFromFlags(flags) ?? [],
      envs: splitList(flags.env) ?? [],
      config: (flags.config as ConfigFormat | undefined) ?? defaults.config,
      ci: (flags.ci as Ci | undefined) ?? defaults.ci,
      workerd: flags.workerd ?? defaults.workerd,
      compatDate: flags.compatDate ?? COMPATIBILITY_DATE,
    },
  };
}

/** The one-shot command that repeats an interactive run. */
export function equivalentCommand(c: CreateChoices): string {
  const p = c.project;
  const args = ["npx create-edge-worker", shellQuote(c.dir), "--yes", `--name ${p.name}`, `--lang ${p.lang}`];
  for (const kind of KINDS) {
    const names = p.bindings.filter((b) => b.kind === kind).map((b) => b.name);
    if (names.length) args.push(`--${kind} ${names.join(",")}`);
  }
  if (p.envs.length) args.push(`--env ${p.envs.join(",")}`);
  args.push(`--config ${p.config}`, `--ci ${p.ci}`);
  if (p.workerd) args.push("--workerd");
  if (p.compatDate !== COMPATIBILITY_DATE) args.push(`--compat-date ${p.compatDate}`);
  args.push(`--pm ${c.pm}`, c.install ? "--install" : "--no-install", c.git ? "--git" : "--no-git");
  return args.join(" ");
}
