// Entry point: parses argv and loads only the code the chosen command needs.
import { Command, Option } from "commander";
import { CancelledError } from "./errors.ts";

// A reader that stops early (`create-edge-worker list | head -1`) closes the pipe: that is not a failure.
// A closed stdout ends the run with the exit code it had so far (0 unless something failed); on a closed stderr
// there is nowhere left to report anything, and the run goes on.
// Node makes process.stdout and process.stderr on first use, which loads its stream modules (and, for a pipe or
// a terminal, net): a few milliseconds that `add` does without when it has no error to report (it writes with
// fs.writeSync, see src/add/out.ts). So each handler is attached when its stream is made, not before.
whenMade("stdout", (e) => {
  if (e.code !== "EPIPE") throw e;
  process.exit(process.exitCode ?? 0);
});
whenMade("stderr", (e) => {
  if (e.code !== "EPIPE") throw e;
});

function whenMade(name: "stdout" | "stderr", onError: (e: NodeJS.ErrnoException) => void): void {
  const made = Object.getOwnPropertyDescriptor(process, name);
  if (!made?.get || !made.configurable) {
    process[name].on("error", onError);
    return;
  }
  let stream: NodeJS.WriteStream | undefined;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: made.enumerable,
    get() {
      if (!stream) {
        stream = made.get?.call(process) as NodeJS.WriteStream;
        stream.on("error", onError);
      }
      return stream;
    },
  });
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

// The root command creates a project; `add` and `list` work on an existing one.
const program = new Command("create-edge-worker")
  .description("Scaffold a Cloudflare Worker (Python or TypeScript) with KV, D1, R2, environments, CI and tests.")
  .usage("[directory] [options]  |  add <kind> <BINDING> [options]  |  list [options]")
  .version(process.env.CEW_VERSION ?? "0.1.0", "-v, --version")
  .enablePositionalOptions()
  .showSuggestionAfterError()
  // Before the subcommands are added, so that they inherit it: every usage error exits 2.
  .exitOverride();

program
  .argument("[directory]", "where to create it (default: my-worker, or --name)")
  .option("--name <name>", "worker name (default: from the directory)")
  .addOption(new Option("--lang <lang>", "language: python or typescript (default: python)"))
  .option("--kv <BINDING[,BINDING...]>", "add KV namespace bindings, repeatable (default: none)", collect)
  .option("--d1 <BINDING[,BINDING...]>", "add D1 database bindings, repeatable (default: none)", collect)
  .option("--r2 <BINDING[,BINDING...]>", "add R2 bucket bindings, repeatable (default: none)", collect)
  .option("--env <name[,name...]>", "environments besides the top level, repeatable (default: none)", collect)
  .option("--config <format>", "wrangler config format: toml or jsonc (default: toml)")
  .option("--ci <provider>", "CI workflow: github or none (default: github)")
  .option("--workerd", "add a standalone workerd config for on-prem runs (default: off)")
  .option("--no-workerd", "do not add a workerd config")
  .option("--compat-date <YYYY-MM-DD>", "compatibility_date (default: the tested date)")
  .option("--pm <manager>", "npm, pnpm, yarn or bun (default: the one that ran this command)")
  .option("--install", "install dependencies (default)")
  .option("--no-install", "skip installing dependencies")
  .option("--git", "git init and first commit (default; skipped inside a repository)")
  .option("--no-git", "skip git")
  .option("--force", "write into a non-empty directory, adding only files that do not exist yet (default: off)")
  .option("--dry-run", "print the files that would be written; write nothing (default: off)")
  .option("-y, --yes", "never prompt: take the default for everything not given (default: prompt on a terminal)")
  .action(async (dir: string | undefined, flags) => {
    const { create, checkFlagConflicts } = await import("./create/index.ts");
    checkFlagConflicts(process.argv.slice(2));
    await create(dir, flags);
  });

program
  .command("add")
  .description("add a KV, D1 or R2 binding to an existing project, in every environment")
  .argument("<kind>", "kv, d1 or r2")
  .argument("<BINDING>", "binding name: letters, digits and _, not starting with a digit (a name both JavaScript and Python accept)")
  .option("--env <name[,name...]|all>", "where to add it: the top level plus these environments (default: all)", collect)
  .option("--id <id>", "KV namespace id (default: created by wrangler on first deploy)")
  .option("--database-name <name>", "D1 database name (default: <worker>-<binding>[-<env>])")
  .option("--database-id <id>", "D1 database id (default: created by wrangler on first deploy)")
  .option("--bucket-name <name>", "R2 bucket name (default: <worker>-<binding>[-<env>])")
  .option("--cwd <dir>", "the project folder (default: the current folder)")
  .option("--dry-run", "print a diff of every change; write nothing (default: off)")
  .action(async (kind: string, name: string, flags) => {
    const { add } = await import("./add/index.ts");
    await add(kind, name, flags);
  });

program
  .command("list")
  .description("list the bindings per environment, flagging any missing from an environment")
  .option("--cwd <dir>", "the project folder (default: the current folder)")
  .action(async (flags) => {
    const { list } = await import("./list.ts");
    await list(flags);
  });

try {
  await program.parseAsync();
} catch (e) {
  const err = e as { code?: string; exitCode?: number; message?: string };
  // Loaded only here: `--help` and the happy paths never need the error printer (nor kleur with it).
  const { printError } = await import("./ui.ts");
  if (err.code?.startsWith("commander.")) {
    // commander has printed its own one-line message (or help/version).
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (e instanceof CancelledError) {
    process.stderr.write("Cancelled\n");
    process.exitCode = err.exitCode ?? 130;
  } else if (typeof err.exitCode === "number") {
    printError(err.message ?? String(e));
    process.exitCode = err.exitCode;
  } else {
    printError(err.message ?? String(e));
    if (process.env.DEBUG) console.error(e);
    process.exitCode = 1;
  }
}
