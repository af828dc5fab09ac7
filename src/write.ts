// Writing files so that an interruption never leaves half of them behind.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { PlannedFile } from "./render.ts";

const cleanups = new Set<() => void>();
let handlersInstalled = false;

/**
 * Runs `fn` if the process is interrupted (Ctrl-C, SIGTERM) or exits early, until it is unregistered.
 * On a signal, "Cancelled" is printed first, then each cleanup runs (and may say what it kept).
 */
export function onInterrupt(fn: () => void): () => void {
  handleInterrupts();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** From now on a signal prints "Cancelled", runs the registered cleanups and exits non-zero. */
export function handleInterrupts(): void {
  if (!handlersInstalled) {
    handlersInstalled = true;
    const bail = (signal: NodeJS.Signals) => {
      process.stderr.write("\nCancelled\n");
      runCleanups();
      process.exit(signal === "SIGINT" ? 130 : 143);
    };
    process.once("SIGINT", bail);
    process.once("SIGTERM", bail);
    process.once("exit", runCleanups);
  }
}

function runCleanups(): void {
  for (const c of [...cleanups]) {
    cleanups.delete(c);
    try {
      c();
    } catch {
      // A cleanup that fails must not stop the others.
    }
  }
}

// Only for tests: slows writing down so that a test can interrupt it part-way.
const delayMs = Number(process.env.CEW_TEST_DELAY_MS) || 0;

async function writeInto(dir: string, files: PlannedFile[]): Promise<void> {
  for (const f of files) {
    const target = join(dir, f.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    if (f.mode) chmodSync(target, f.mode);
    if (delayMs) await sleep(delayMs);
  }
}

/**
 * Writes every file into a temporary folder beside `target`, then moves it into place.
 * With `onlyMissing`, `target` may already hold files: those are kept and reported as skipped.
 * On failure or interruption, everything this call created is removed, parent folders included.
 */
export async function writeProject(
  target: string,
  files: PlannedFile[],
  onlyMissing = false,
): Promise<{ written: string[]; skipped: string[] }> {
  const created: string[] = [];
  const made = (dir: string | undefined) => dir && created.push(dir);
  const undo = () => {
    for (const p of created.reverse()) rmSync(p, { recursive: true, force: true });
  };
  const unregister = onInterrupt(undo);
  const skipped = onlyMissing ? files.filter((f) => existsSync(join(target, f.path))).map((f) => f.path) : [];
  const toWrite = files.filter((f) => !skipped.includes(f.path));
  try {
    made(mkdirSync(dirname(target), { recursive: true }));
    const tmp = mkdtempSync(join(dirname(target), `.${basename(target)}.tmp-`));
    created.push(tmp);
    await writeInto(tmp, toWrite);
    // From here on everything is synchronous: no signal can arrive half-way through the moves.
    if (!existsSync(target)) {
      renameSync(tmp, target);
    } else if (readdirSync(target).length === 0) {
      rmdirSync(target);
      try {
        renameSync(tmp, target);
      } catch (e) {
        mkdirSync(target); // the user's empty folder stays, as it was
        throw e;
      }
    } else {
      for (const f of toWrite) {
        const dest = join(target, f.path);
        made(mkdirSync(dirname(dest), { recursive: true }));
        renameSync(join(tmp, f.path), dest);
        created.push(dest);
      }
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    undo();
    throw e;
  } finally {
    unregister();
  }
  return { written: toWrite.map((f) => f.path), skipped };
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
