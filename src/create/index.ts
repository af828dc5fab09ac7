// create: flags -> choices (prompts fill gaps) -> check -> plan -> write -> post-steps.
import { existsSync, readdirSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import kleur from "kleur";
import { UsageError } from "../errors.ts";
import { configFileName, varsFor } from "../model.ts";
import { plan } from "../render.ts";
import { checkProject } from "../validate.ts";
import { WRANGLER_MIN_NODE } from "../versions.ts";
import { writeProject } from "../write.ts";
import { type CreateChoices, type CreateFlags, choicesFromFlags, equivalentCommand } from "./options.ts";

export async function create(dirArg: string | undefined, flags: CreateFlags): Promise<void> {
  // 1. Choices: prompt only when someone is there to answer.
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
  const target = resolve(choices.dir);
  const existing = checkTarget(target, flags.force ?? false);

  // 3. Render the whole project in memory.
  const files = plan(project, { pm });
  if (flags.dryRun) {
    for (const f of files) process.stdout.write(`${kleur.bold(`==> ${f.path}`)}\n${f.content}\n`);
    process.stdout.write(`${files.length} files would be written to ${target} (dry run: nothing written)\n`);
    return;
  }

  // 4. Write it atomically.
  const { skipped } = writeProject(target, files, existing);
  process.stdout.write(`${kleur.green("✔")} Created ${project.lang} worker ${kleur.bold(project.name)} in ${relative(process.cwd(), target) || "."} (${configFileName(project.config)})\n`);
  if (skipped.length) process.stdout.write(`Skipped ${skipped.length} existing file(s), left as they were: ${skipped.join(", ")}\n`);

  // 5. Post-steps. A failure here keeps the project: the files are the user's now.
  const { install, gitInit, nextSteps, nodeIsTooOldForWrangler } = await import("./post.ts");
  const post = choices.install ? await install(target, project, pm) : undefined;
  if (post?.installFailed) process.stderr.write(`The project is in place; retry the install with: cd ${relative(process.cwd(), target) || "."} && ${pm} install\n`);
  if (choices.git) {
    const git = await gitInit(target);
    if (git === "skipped") process.stdout.write("Inside an existing git repository: skipped git init.\n");
    if (git === "failed") process.stderr.write("git init failed; the project is in place without a repository.\n");
  }
  process.stdout.write(`\nNext steps:\n${nextSteps(target, project, pm, post).map((s) => `  ${s}`).join("\n")}\n`);
  if (nodeIsTooOldForWrangler())
    process.stdout.write(`\n${kleur.yellow("Note")}: wrangler needs Node.js >= ${WRANGLER_MIN_NODE}; this is ${process.version}. Upgrade Node before running dev, deploy or test.\n`);
  if (interactive) process.stdout.write(`\nTo do this again without prompts:\n  ${equivalentCommand(choices)}\n`);
  if (post?.installFailed) process.exitCode = 1;
}

/** Returns true when the target exists with files in it (allowed only with --force). */
function checkTarget(target: string, force: boolean): boolean {
  if (!existsSync(target)) return false;
  if (!statSync(target).isDirectory()) throw new UsageError(`directory ${JSON.stringify(target)}: exists and is not a directory`);
  const entries = readdirSync(target);
  if (entries.length === 0) return false;
  if (!force) {
    const shown = entries.slice(0, 10).join(", ") + (entries.length > 10 ? `, and ${entries.length - 10} more` : "");
    throw new UsageError(`directory ${JSON.stringify(target)}: not empty (${shown}); choose another directory, or pass --force to add only missing files`);
  }
  return true;
}
