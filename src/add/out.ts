// Writing `add`'s results to stdout without making process.stdout (see src/cli.ts): fs.writeSync on fd 1,
// which is what process.stdout does for files, and for pipes and terminals on Linux too (it writes at once).
import { writeSync } from "node:fs";

let stream = false;

/**
 * Writes `text` to stdout. A closed pipe (`add ... | head -1`) ends the run with the exit code it had so far,
 * as it does for process.stdout; a stdout that would block (a non-blocking pipe that is full) gets the rest
 * from process.stdout, which waits for it, and so does everything after it, to keep the order.
 */
export function out(text: string): void {
  if (stream) {
    process.stdout.write(text);
    return;
  }
  const buf = Buffer.from(text);
  let done = 0;
  try {
    while (done < buf.length) done += writeSync(1, buf, done);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EPIPE") process.exit(process.exitCode ?? 0);
    if (code !== "EAGAIN") throw e;
    stream = true;
    process.stdout.write(buf.subarray(done));
  }
}
