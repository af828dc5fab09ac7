// create: flags -> choices (prompts fill gaps) -> check -> plan -> write -> post-steps.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import kleur from "kleur";
import { UsageError } from "../errors.ts";
import { configFileName, varsFor } from "../model.ts";
import { plan } from "../render.ts";
import { checkProject, checkTargetDir } from "../validate.ts";
import { nodeIsTooOldForWrangler, pmCommands } from "../package-root.ts";
import { WRANGLER_MIN_NODE } from "../versions.ts";
import { shellQuote, shown } from "../ui.ts";
import { handleInterrupts, onInterrupt, writeProject } from "../write.ts";
import { type CreateChoices, type CreateFlags, checkGivenFlags, choicesFromFlags, equivalentCommand } from "./options.ts";
import { gitInit, install, nextSteps } from "./post.ts";

export { checkFlagConflicts } from "./options.ts";

export async function create(dirArg: string | undefined, flags: CreateFlags): Promise<void> {
  // From here on, Ctrl-C prints "Cancelled" and exits non-zero; later steps register their own cleanups.
  handleInterrupts();

  // 1. Choices: prompt only when someone is there to answer, and only after the flags given are good.
  checkGivenFlags(flags);
  const interactive = !flags.yes && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY);
  let choices: CreateChoices;
  if (interactive) {
    const { promptChoices } = await import("./prompts.ts");
    choices = await promptChoices(dirArg, flags);
  } else {
    choices = choicesFromFlags(dirArg, flags);
  }
  const { project, pm } = choices;

  // 2. Check everything before writing anything.
  checkProject(project, Object.keys(varsFor()));
  const problem = checkTargetDir(choices.dir, flags.force ?? false);
  if (problem) throw new UsageError(`directory ${JSON.stringify(choices.dir)}: ${problem}`);
  const target = resolve(choices.dir);
  const existing = existsSync(target) && readdirSync(target).length > 0;

  // 3. Render the whole project in memory.
  const files = plan(project, { pm });
  if (flags.dryRun) {
    for (const f of files) process.stdout.write(`${kleur.bold(`==> ${f.path}`)}\n${f.content}\n`);
    const kept = existing ? files.filter((f) => existsSync(join(target, f.path))).map((f) => f.path) : [];
    if (kept.length) process.stdout.write(`Would skip ${kept.length} existing file(s): ${kept.join(", ")}\n`);
    process.stdout.write(`${files.length - kept.length} files would be written to ${target} (dry run: nothing written)\n`);
    return;
  }

  // 4. Write it into a temporary folder, then move it into place.
  const userFiles = existing ? filesIn(target) : [];
  const { skipped } = await writeProject(target, files, existing);
  process.stdout.write(`${kleur.green("✔")} Created ${project.lang} worker ${kleur.bold(project.name)} in ${shown(target)} (${configFileName(project.config)})\n`);
  if (skipped.length) process.stdout.write(`Skipped ${skipped.length} existing file(s), left as they were: ${skipped.join(", ")}\n`);

  // 5. Post-steps. The files are complete and the user's now: a failure or Ctrl-C here keeps them,
  // removing only what the interrupted step had half-made (see README, Safety).
  const retry = `cd ${shellQuote(shown(target))} && ${pmCommands(pm).install}`;
  let post: Awaited<ReturnType<typeof install>> | undefined;
  if (choices.install)
    post = await keepOnInterrupt(target, "node_modules", `install interrupted; the project is in place. Finish with: ${retry}`, () =>
      install(target, project, pm),
    );
  if (post?.installFailed) process.stderr.write(`The project is in place; retry the install with: ${retry}\n`);
  if (choices.git) {
    const git = await keepOnInterrupt(target, ".git", "git init interrupted; the project is in place without a repository.", () =>
      gitInit(target, userFiles),
    );
    if (git === "skipped") process.stdout.write("Inside an existing git repository: skipped git init.\n");
    if (git === "no-identity") process.stdout.write("Initialised a git repository with the files staged; set user.name and user.email, then commit.\n");
    if (userFiles.length && (git === "committed" || git === "no-identity")) process.stdout.write(`Left ${userFiles.length} file(s) that were already there out of git.\n`);
    if (git === "failed") process.stderr.write("git init failed; the project is in place without a repository.\n");
  }
  process.stdout.write(`\nNext steps:\n${nextSteps(target, project, pm, post).map((s) => `  ${s}`).join("\n")}\n`);
  if (nodeIsTooOldForWrangler())
    process.stdout.write(`\n${kleur.yellow("Note")}: wrangler needs Node.js >= ${WRANGLER_MIN_NODE}; this is ${process.version}. Upgrade Node before running dev, deploy or test.\n`);
  if (interactive) process.stdout.write(`\nTo do this again without prompts:\n  ${equivalentCommand(choices)}\n`);
  if (post?.installFailed) process.exitCode = 1;
}

/** On Ctrl-C during a post-step: remove the folder the step was making (if it did not exist before) and say what is kept. */
async function keepOnInterrupt<T>(target: string, folder: string, message: string, step: () => Promise<T>): Promise<T> {
  const path = join(target, folder);
  const hadIt = existsSync(path);
  const unregister = onInterrupt(() => {
    if (!hadIt) rmSync(path, { recursive: true, force: true });
    process.stderr.write(`${message}\n`);
  });
  try {
    return await step();
  } finally {
    unregister();
  }
}

/** Every file under `dir`, relative to it. */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}
