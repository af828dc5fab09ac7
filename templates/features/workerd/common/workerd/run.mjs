#!/usr/bin/env node
// Runs the project on workerd (see workerd/config.capnp):
//   node workerd/run.mjs serve   [--env NAME] [--migrate-only] [<workerd serve options>]   (npm run start:workerd)
//   node workerd/run.mjs compile [--env NAME] [--out FILE]                                (npm run compile:workerd)
// serve creates .workerd-state/, applies pending D1 migrations (`workerd test`), then serves;
// other options go to `workerd serve`, e.g. --socket-addr http=0.0.0.0:8787.
// compile writes a self-contained executable (default workerd/server) and its launcher FILE.sh, a POSIX
// sh script that needs no Node: it creates the state folders and starts the executable, which applies
// pending D1 migrations itself before it answers the first request. Run the launcher in a folder that
// holds migrations/ (if the project has D1); the state goes in .workerd-state/ there.
// WORKERD_BIN picks another workerd binary (default: the one in node_modules).
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const config = "workerd/config.capnp";
const [command, ...args] = process.argv.slice(2);

/** Removes `--name VALUE` / `--name=VALUE` (or a bare flag) from args; answers its value. */
function take(name, flag = false) {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  if (flag) return Boolean(args.splice(i, 1));
  const [a] = args.splice(i, 1);
  return a.includes("=") ? a.slice(a.indexOf("=") + 1) : args.splice(i, 1)[0];
}
const fail = (msg, code = 2) => {
  console.error(msg);
  process.exit(code);
};

const env = take("--env") ?? "";
// The generator's rule: staging -> envStaging, staging_eu -> envStagingEu.
const constName = env ? `env${env.split(/[^A-Za-z0-9]+/).map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join("")}` : "config";
const text = readFileSync(join(root, config), "utf8");
if (!text.includes(`const ${constName} :Workerd.Config`)) fail(`No environment "${env}" in ${config}.`);
// The folders workerd's disk services read (migrations) and write (state under .workerd-state/).
const disks = [...text.matchAll(/disk = \(path = "([^"]+)"(, writable = true)?\)/g)].map(([, path, w]) => ({ path, writable: Boolean(w) }));
const stateDirs = [...new Set(disks.filter((d) => d.writable).map((d) => d.path))];
const readDirs = [...new Set(disks.filter((d) => !d.writable).map((d) => d.path))];
const sh = (s) => `'${s.replaceAll("'", "'\\''")}'`;
if (text.includes('embed "dist/index.js"') && !existsSync(join(root, "workerd/dist/index.js")))
  fail("No bundle yet: run `npm run build:workerd` first.");
const local = join(root, "node_modules/.bin/workerd");
const bin = process.env.WORKERD_BIN || (existsSync(local) ? local : "workerd");

if (command === "compile") {
  const out = resolve(root, take("--out") ?? "workerd/server");
  // Written beside it and renamed on success: a failed compile leaves the old executable (or none).
  const tmp = `${out}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o755);
  const r = spawnSync(bin, ["compile", config, constName, ...args], { cwd: root, stdio: ["ignore", fd, "inherit"] });
  closeSync(fd);
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    fail(`workerd compile failed${r.error ? `: ${r.error.message}` : ""}`, r.status || 1);
  }
  chmodSync(tmp, 0o755);
  renameSync(tmp, out);
  const exe = basename(out);
  const launcher = `#!/bin/sh
# Starts ${exe} (compiled by \`npm run compile:workerd\`; it serves ${env ? `environment "${env}"` : "the top level"}) in the
# current folder, without Node: creates the state folders, then runs it. It applies pending D1
# migrations before it answers the first request. Options go to it, e.g. --socket-addr http=0.0.0.0:8787.
set -eu
${readDirs.map((d) => `[ -d ${sh(d)} ] || { echo "No ${d}/ folder here: run this in a folder that holds ${d}/ (copy it from the project)." >&2; exit 1; }`).join("\n")}
${stateDirs.length ? `mkdir -p ${stateDirs.map(sh).join(" ")}\n[ -f .workerd-state/.gitignore ] || echo '*' > .workerd-state/.gitignore\n` : ""}case "$0" in */*) here="\${0%/*}" ;; *) here=. ;; esac
exec "$here/${exe}" --experimental "$@"
`;
  writeFileSync(`${out}.sh`, launcher, { mode: 0o755 });
  chmodSync(`${out}.sh`, 0o755);
  console.log(`Wrote ${out} and ${out}.sh, its launcher (no Node needed). Run ${relative(root, out)}.sh in a folder holding ${readDirs.length ? readDirs.map((d) => `${d}/`).join(", ") : "nothing else"}; state goes in .workerd-state/ there.`);
} else if (command === "serve") {
  const migrateOnly = take("--migrate-only", true);
  // Disk services must exist before workerd starts.
  for (const path of stateDirs) mkdirSync(join(root, path), { recursive: true });
  for (const path of readDirs) if (!existsSync(join(root, path))) fail(`No ${path}/ folder: workerd/config.capnp reads it (D1 migrations).`);
  if (existsSync(join(root, ".workerd-state")) && !existsSync(join(root, ".workerd-state/.gitignore")))
    writeFileSync(join(root, ".workerd-state/.gitignore"), "*\n");
  if (text.includes(`const ${constName}Migrate :Workerd.Worker`)) {
    const r = spawnSync(bin, ["test", config, `${constName}:migrate:*`, "--experimental"], { cwd: root, encoding: "utf8" });
    const log = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    if (r.status !== 0) fail(`${log}${r.error ? String(r.error) : ""}\nApplying D1 migrations failed.`, r.status || 1);
    for (const [line] of log.matchAll(/\S+: applied \S+/g)) console.log(line);
  }
  if (!migrateOnly) {
    const child = spawn(bin, ["serve", config, constName, "--experimental", ...args], { cwd: root, stdio: "inherit" });
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
    child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
  }
} else {
  fail("usage: node workerd/run.mjs serve|compile [--env NAME] [options]");
}
