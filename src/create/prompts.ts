// Interactive gaps: asks only for what the flags did not say.
import * as p from "@clack/prompts";
import { CancelledError } from "../errors.ts";
import { type Binding, type Ci, type ConfigFormat, DEFAULT_BINDING_NAME, type Kind, KIND_LABEL, KINDS, type Lang } from "../model.ts";
import { checkBindingName, checkEnvName, checkTargetDir, checkWorkerName } from "../validate.ts";
import { type CreateChoices, type CreateFlags, choicesFromFlags, DEFAULT_DIR, defaults, nameFromDir, splitList } from "./options.ts";

function answer<T>(value: T): Exclude<T, symbol> {
  if (p.isCancel(value)) throw new CancelledError();
  return value as Exclude<T, symbol>;
}

const nonEmpty = (values: string[]) => (splitList(values) ?? []).filter((v) => v !== "");

export async function promptChoices(dirArg: string | undefined, flags: CreateFlags): Promise<CreateChoices> {
  p.intro("create-edge-worker");
  const dir =
    dirArg ??
    answer(
      await p.text({
        message: "Where should the project go?",
        placeholder: DEFAULT_DIR,
        defaultValue: DEFAULT_DIR,
        validate: (v) => checkTargetDir(v || DEFAULT_DIR, flags.force ?? false),
      }),
    );
  const name =
    flags.name ??
    answer(
      await p.text({
        message: "Worker name",
        placeholder: nameFromDir(dir),
        defaultValue: nameFromDir(dir),
        validate: (v) => checkWorkerName(v || nameFromDir(dir)),
      }),
    );
  const lang =
    (flags.lang as Lang | undefined) ??
    answer(
      await p.select<Lang>({
        message: "Language",
        initialValue: defaults.lang,
        options: [
          { value: "python", label: "Python", hint: "runs on Pyodide; tests run under CPython with pytest" },
          { value: "typescript", label: "TypeScript", hint: "tests run in the Workers runtime with vitest" },
        ],
      }),
    );
  let bindings: Binding[] | undefined = flags.kv || flags.d1 || flags.r2 ? undefined : [];
  if (bindings) {
    const kinds = answer(
      await p.multiselect<Kind>({
        message: "Bindings (space to select, enter to confirm)",
        required: false,
        options: KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] })),
      }),
    );
    for (const kind of kinds) {
      const bindingName = answer(
        await p.text({
          message: `${KIND_LABEL[kind]} binding name`,
          placeholder: DEFAULT_BINDING_NAME[kind],
          defaultValue: DEFAULT_BINDING_NAME[kind],
          validate: (v) => (v ? checkBindingName(v) : undefined),
        }),
      );
      bindings.push({ kind, name: bindingName });
    }
  }
  const envs =
    splitList(flags.env) ??
    nonEmpty([
      answer(
        await p.text({
          message: "Environments besides the top level (comma-separated, empty for none)",
          placeholder: "staging,production",
          defaultValue: "",
          validate: (v) => {
            for (const e of nonEmpty([v ?? ""])) {
              const problem = checkEnvName(e);
              if (problem) return `${e}: ${problem}`;
            }
          },
        }),
      ),
    ]);
  const config =
    (flags.config as ConfigFormat | undefined) ??
    answer(
      await p.select<ConfigFormat>({
        message: "Wrangler config format",
        initialValue: defaults.config,
        options: [
          { value: "toml", label: "wrangler.toml" },
          { value: "jsonc", label: "wrangler.jsonc" },
        ],
      }),
    );
  const ci =
    (flags.ci as Ci | undefined) ??
    answer(
      await p.select<Ci>({
        message: "CI",
        initialValue: defaults.ci,
        options: [
          { value: "github", label: "GitHub Actions", hint: "lint, test, deploy" },
          { value: "none", label: "None" },
        ],
      }),
    );
  const workerd =
    flags.workerd ??
    answer(await p.confirm({ message: "Add a standalone workerd config for on-prem runs?", initialValue: defaults.workerd }));
  // A dry run writes nothing, so there is nothing to install or commit.
  const install = flags.dryRun ? false : flags.install ?? answer(await p.confirm({ message: "Install dependencies?", initialValue: defaults.install }));
  const git = flags.dryRun ? false : flags.git ?? answer(await p.confirm({ message: "Initialise a git repository?", initialValue: defaults.git }));
  const base = choicesFromFlags(dir, { ...flags, name, lang, config, ci, workerd, install, git, env: envs });
  return { ...base, project: { ...base.project, bindings: bindings ?? base.project.bindings } };
}
