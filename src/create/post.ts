// After the files are in place: install, generate types, git, next steps.
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PackageManager, Project } from "../model.ts";
import { nodeIsTooOldForWrangler, pmCommands } from "../package-root.ts";
import { printError, shellQuote, shown, type Spinner, spinner } from "../ui.ts";

async function run(s: Spinner, label: string, cmd: string, args: string[], cwd: string): Promise<boolean> {
  const { execa } = await import("execa");
  s.start(label);
  try {
    await execa(cmd, args, { cwd, stdin: "ignore", env: { WRANGLER_SEND_METRICS: "false" } });
    s.stop(`${label}: done`);
    return true;
  } catch (e) {
    const err = e as { shortMessage?: string; stderr?: string };
    s.stop(`${label}: failed`, 1);
    printError(err.shortMessage ?? String(e));
    if (err.stderr) process.stderr.write(`${err.stderr.split("\n").slice(-15).join("\n")}\n`);
    return false;
  }
}

/** True when `dir` itself, or a folder above it, is in a git work tree. */
function insideGitRepo(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, ".git"))) return true;
    if (dirname(d) === d) return false;
  }
}

export interface PostResult {
  installed: boolean;
  installFailed: boolean;
  typesGenerated: boolean;
}

export async function install(target: string, project: Project, pm: PackageManager): Promise<PostResult> {
  const s = spinner();
  const cmds = pmCommands(pm);
  const result: PostResult = { installed: false, installFailed: false, typesGenerated: false };
  result.installed = await run(s, `Installing dependencies with ${pm}`, pm, ["install"], target);
  result.installFailed = !result.installed;
  if (result.installed && project.lang === "typescript" && !nodeIsTooOldForWrangler()) {
    const [cmd, ...args] = `${cmds.run} cf-typegen`.split(" ");
    result.typesGenerated = await run(s, "Generating types (wrangler types)", cmd, args, target);
  }
  return result;
}

export type GitResult = "committed" | "no-identity" | "skipped" | "failed";

/**
 * `git init` and a first commit of the new project. Files that were in the folder before
 * (`create --force`) are the user's: they are left unstaged, never committed for them.
 */
export async function gitInit(target: string, userFiles: string[] = []): Promise<GitResult> {
  if (insideGitRepo(target)) return "skipped";
  const { execa } = await import("execa");
  const git = (args: string[], input?: string) => execa("git", args, { cwd: target, stdin: input === undefined ? "ignore" : undefined, input });
  try {
    await git(["init", "-q"]);
    await git(["add", "-A"]);
    // Through stdin: a folder can hold more names than fit on a command line.
    if (userFiles.length)
      await git(["--literal-pathspecs", "rm", "--cached", "-r", "-q", "--ignore-unmatch", "--pathspec-from-file=-", "--pathspec-file-nul"], userFiles.join("\0"));
    // Without a git identity a commit would fail, or be made in a name that is not the user's.
    const email = await execa("git", ["config", "user.email"], { cwd: target, stdin: "ignore", reject: false });
    if (!email.stdout.trim()) return "no-identity";
    await git(["commit", "-q", "--no-verify", "-m", "Initial commit from create-edge-worker"]);
    return "committed";
  } catch {
    // Leave no half-made repository behind: the project is reported as having none.
    rmSync(join(target, ".git"), { recursive: true, force: true });
    return "failed";
  }
}

export function nextSteps(target: string, project: Project, pm: PackageManager, post: PostResult | undefined): string[] {
  const c = pmCommands(pm);
  const steps: string[] = [];
  const where = shown(target);
  if (where !== ".") steps.push(`cd ${shellQuote(where)}`);
  if (!post?.installed) steps.push(c.install);
  if (project.lang === "typescript" && !post?.typesGenerated) steps.push(`${c.run} cf-typegen`);
  steps.push(`${c.run} test`, `${c.run} dev`, `${c.run} deploy`);
  return steps;
}
