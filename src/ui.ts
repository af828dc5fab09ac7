// Terminal output. Progress goes to stderr so that stdout carries only results.
import { isAbsolute, relative } from "node:path";
import kleur from "kleur";

export interface Spinner {
  start(msg: string): void;
  stop(msg: string, code?: number): void;
}

// Escape codes (colour, cursor moves) only on a terminal, and never with NO_COLOR or TERM=dumb.
const interactiveOutput = () =>
  Boolean(process.stderr.isTTY) && !process.env.CI && process.env.NO_COLOR === undefined && process.env.TERM !== "dumb";

/** An animated spinner on a terminal; plain lines elsewhere (CI, pipes, NO_COLOR logs). */
export function spinner(): Spinner {
  if (!interactiveOutput()) {
    return {
      start: (msg) => process.stderr.write(`${msg}...\n`),
      stop: (msg) => process.stderr.write(`${msg}\n`),
    };
  }
  const frames = ["◒", "◐", "◓", "◑"];
  let timer: NodeJS.Timeout | undefined;
  let i = 0;
  let text = "";
  return {
    start(msg) {
      text = msg;
      timer = setInterval(() => process.stderr.write(`\r${kleur.magenta(frames[i++ % frames.length])} ${text}`), 80);
    },
    stop(msg, code = 0) {
      clearInterval(timer);
      process.stderr.write(`\r\x1b[2K${code ? kleur.red("■") : kleur.green("◇")} ${msg}\n`);
    },
  };
}

/** One line on stderr. kleur decides colour by stdout, so stderr checks its own terminal. */
export function printError(message: string): void {
  const label = interactiveOutput() && kleur.enabled ? kleur.red("error:") : "error:";
  process.stderr.write(`${label} ${message}\n`);
}

/** Where the project is, as the user should read it: relative inside the cwd, absolute outside it. */
export function shown(target: string): string {
  const rel = relative(process.cwd(), target);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? target : rel;
}

/** Quotes a word for a POSIX shell when it needs quoting. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
