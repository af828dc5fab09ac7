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
} from "../model.ts";
import { checkWorkerName, ensureOneOf, slugify } from "../validate.ts";
import { COMPATIBILITY_DATE } from "../versions.ts";

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

/** Splits repeatable, comma-separated list flags: `--kv A,B --kv C`. */
export function splitList(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
}

export function bindingsFromFlags(flags: CreateFlags): Binding[] | undefined {
  if (!flags.kv && !flags.d1 && !flags.r2) return undefined;
  return KINDS.flatMap((kind) => (splitList(flags[kind]) ?? []).map((name) => ({ kind, name })));
}

/** The worker name a directory suggests: its own name if valid, else a slug of it. */
export function nameFromDir(dir: string): string {
  const base = basename(resolve(dir));
  return checkWorkerName(base) ? slugify(base) : base;
}

/** Checks the flags that take one of a fixed set of values, before any prompt. */
export function checkEnumFlags(flags: CreateFlags): void {
  if (flags.lang !== undefined) ensureOneOf("--lang", flags.lang, LANGS);
  if (flags.config !== undefined) ensureOneOf("--config", flags.config, CONFIG_FORMATS);
  if (flags.ci !== undefined) ensureOneOf("--ci", flags.ci, CIS);
  if (flags.pm !== undefined) ensureOneOf("--pm", flags.pm, PACKAGE_MANAGERS);
}

/** Everything not given takes its default: used when there is no one to ask. */
export function choicesFromFlags(dirArg: string | undefined, flags: CreateFlags): CreateChoices {
  checkEnumFlags(flags);
  const dir = dirArg ?? flags.name ?? DEFAULT_DIR;
  const name = flags.name ?? nameFromDir(dir);
  if (name === "") throw new UsageError(`directory ${JSON.stringify(dir)}: cannot derive a worker name from it; pass --name`);
  return {
    dir,
    pm: (flags.pm as PackageManager | undefined) ?? detectPm(),
    install: flags.install ?? defaults.install,
    git: flags.git ?? defaults.git,
    project: {
      name,
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

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
