// list: the bindings of every scope (top level, then each environment), and those an environment is missing.
import { resolve } from "node:path";
import kleur from "kleur";
import { readProject, type ScopedEntry, scopeLabel } from "./config/read.ts";

function resource({ kind, entry }: ScopedEntry): string {
  const s = (k: string) => (typeof entry[k] === "string" ? (entry[k] as string) : undefined);
  if (kind === "kv") return s("id") ? `id ${s("id")}` : "(namespace created on first deploy)";
  if (kind === "d1") return [s("database_name") ?? "(no database_name)", s("database_id") && `id ${s("database_id")}`].filter(Boolean).join(", ");
  return s("bucket_name") ?? "(no bucket_name)";
}

export async function list(flags: { cwd?: string }): Promise<void> {
  const cfg = readProject(resolve(flags.cwd ?? "."));
  const out: string[] = [`${cfg.file}: ${cfg.project.lang} worker ${cfg.project.name}`];
  const width = Math.max(7, ...cfg.scopes.flatMap((s) => s.entries.map((e) => String(e.entry.binding).length)));
  for (const s of cfg.scopes) {
    out.push("", kleur.bold(scopeLabel(s.env)));
    if (!s.entries.length) out.push("  (no KV, D1 or R2 bindings)");
    for (const e of s.entries) out.push(`  ${e.kind.padEnd(3)} ${String(e.entry.binding).padEnd(width)} ${resource(e)}`);
  }
  process.stdout.write(`${out.join("\n")}\n`);

  // Bindings are not inherited: an environment without a top-level binding runs without it.
  const [top, ...envs] = cfg.scopes;
  let missing = 0;
  for (const s of envs)
    for (const { kind, entry } of top.entries) {
      if (s.entries.some((e) => e.kind === kind && e.entry.binding === entry.binding)) continue;
      missing++;
      process.stderr.write(
        `${kleur.yellow("warning")} ${kind} binding ${entry.binding} is at the top level but missing in ${scopeLabel(s.env)} (bindings are not inherited); fix: create-edge-worker add ${kind} ${entry.binding} --env ${s.env}\n`,
      );
    }
  if (!missing && envs.length) process.stdout.write("\nEvery environment has every top-level binding.\n");
}
