// Writing files so that an interruption never leaves half of them behind.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { PlannedFile } from "./render.ts";

const cleanups = new Set<() => void>();
let handlersInstalled = false;

/** Runs `fn` on exit, including Ctrl-C and SIGTERM, until it is unregistered. */
export function onInterrupt(fn: () => void): () => void {
  if (!handlersInstalled) {
    handlersInstalled = true;
    const bail = (signal: NodeJS.Signals) => {
      for (const c of cleanups) c();
      process.stderr.write("\nCancelled\n");
      process.exit(signal === "SIGINT" ? 130 : 143);
    };
    process.once("SIGINT", bail);
    process.once("SIGTERM", bail);
    process.once("exit", () => {
      for (const c of cleanups) c();
    });
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

function writeInto(dir: string, files: PlannedFile[]): void {
  for (const f of files) {
    const target = join(dir, f.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    if (f.mode) chmodSync(target, f.mode);
  }
}

/**
 * Writes every file into a temporary folder beside `target`, then moves it into place.
 * With `onlyMissing`, `target` may already hold files: those are kept and reported as skipped.
 */
export function writeProject(target: string, files: PlannedFile[], onlyMissing = false): { written: string[]; skipped: string[] } {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const skipped = onlyMissing ? files.filter((f) => existsSync(join(target, f.path))).map((f) => f.path) : [];
  const toWrite = files.filter((f) => !skipped.includes(f.path));
  const tmp = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  const unregister = onInterrupt(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    writeInto(tmp, toWrite);
    if (!existsSync(target)) {
      renameSync(tmp, target);
    } else if (readdirSync(target).length === 0) {
      rmdirSync(target);
      renameSync(tmp, target);
    } else {
      moveMissing(tmp, target, toWrite);
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    unregister();
  }
  return { written: toWrite.map((f) => f.path), skipped };
}

function moveMissing(from: string, to: string, files: PlannedFile[]): void {
  for (const f of files) {
    const dest = join(to, f.path);
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(join(from, f.path), dest);
  }
}

/** Replaces one file atomically: a temp file in the same folder, then rename. */
export function writeFileAtomic(path: string, content: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  const unregister = onInterrupt(() => rmSync(tmp, { force: true }));
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
    unregister();
  }
}
