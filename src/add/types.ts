// Keeping a TypeScript project's generated binding types in step with its config.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { PackageManager } from "../model.ts";
import { nodeIsTooOldForWrangler, pmCommands } from "../package-root.ts";

function detectPm(dir: string): PackageManager {
  if (existsSync(join(dir, "pnpm-lock.yaml"))) return "pnpm";
  if (existsSync(join(dir, "yarn.lock"))) return "yarn";
  if (existsSync(join(dir, "bun.lock")) || existsSync(join(dir, "bun.lockb"))) return "bun";
  return "npm";
}

/** Runs `wrangler types` when the project has wrangler installed and Node can run it; says what to run otherwise. */
export async function updateTypes(dir: string): Promise<string> {
  const command = `${pmCommands(detectPm(dir)).run} cf-typegen`;
  const wrangler = join(dir, "node_modules", ".bin", "wrangler");
  if (!existsSync(wrangler) || nodeIsTooOldForWrangler()) return `Update the binding types with: ${command} (wrangler types)`;
  const { execa } = await import("execa");
  const r = await execa(wrangler, ["types"], { cwd: dir, stdin: "ignore", reject: false, all: true, env: { WRANGLER_SEND_METRICS: "false" } });
  if (r.exitCode === 0) return "Updated the binding types (wrangler types)";
  return `wrangler types failed (${r.all?.split("\n").filter(Boolean).pop() ?? `exit ${r.exitCode}`}); run it again with: ${command}`;
}
