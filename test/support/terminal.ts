// Running the CLI on a pseudo-terminal (util-linux `script`), so that it prompts as it does for a person.
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { BIN, toolEnv } from "./cli.ts";

export function onTerminal(args: string[], cwd: string) {
  // A pty made by `script` has no size; without one, prompts wrap after every character.
  const cmd = `stty cols 120 rows 40; ${["node", BIN, ...args].map((a) => `'${a}'`).join(" ")}`;
  return execa("script", ["-qfec", cmd, "/dev/null"], { cwd, env: toolEnv({ TERM: "xterm" }), reject: false });
}

/** Waits, at most `ms`, for `check` to hold. */
export async function until(check: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !check(); await sleep(20)) if (Date.now() > end) throw new Error("timed out waiting");
}

/** Follows what the CLI shows on the terminal, so a test can wait for a prompt before answering it. */
export function watch(run: ReturnType<typeof onTerminal>) {
  let seen = "";
  run.stdout?.on("data", (d) => (seen += d));
  return { waitFor: (text: string) => until(() => seen.includes(text)) };
}
