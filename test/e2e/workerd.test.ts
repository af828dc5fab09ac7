// On-prem: a generated project served by standalone workerd (and as a compiled executable),
// with KV, D1 and R2 state on disk that survives a restart.
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, run, tmpDir } from "../support/cli.ts";
import { freePort, type Server, start, stop } from "../support/server.ts";

const CREATE = ["--yes", "--pm", "npm", "--no-install", "--no-git", "--workerd", "--kv", "CACHE", "--d1", "DB", "--r2", "ASSETS", "--env", "staging"];

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

/** Writes through every binding and checks each answer; returns what a restart must still show. */
async function roundTrip(base: string, tag: string) {
  const big = `${tag}:`.padEnd(70 * 1024, "kv-value-over-64-KiB ");
  let r = await fetch(`${base}/kv/cache/big-${tag}`, { method: "PUT", body: big });
  expect(r.status).toBe(201);
  r = await fetch(`${base}/kv/cache/big-${tag}`);
  expect(r.status).toBe(200);
  expect(await r.text()).toBe(big);

  r = await fetch(`${base}/d1/db/notes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ body: `note ${tag}` }) });
  expect(r.status).toBe(201);
  const note = (await r.json()) as { id: number; body: string };
  expect(note.body).toBe(`note ${tag}`);
  r = await fetch(`${base}/d1/db/notes`);
  expect(((await r.json()) as { notes: { id: number }[] }).notes.map((n) => n.id)).toContain(note.id);

  const bytes = new Uint8Array(randomBytes(5 * 1024 * 1024 + 123));
  const key = `files/${tag}/blob.bin`;
  r = await fetch(`${base}/r2/assets/${key}`, { method: "PUT", body: bytes, headers: { "content-type": "application/x-test", "x-meta-owner": tag } });
  expect(r.status).toBe(201);
  expect(await r.json()).toEqual({ key, size: bytes.length, etag: md5(bytes) });
  r = await fetch(`${base}/r2/assets/${key}`, { method: "HEAD" });
  expect(r.status).toBe(200);
  expect(r.headers.get("etag")).toBe(`"${md5(bytes)}"`);
  expect(r.headers.get("content-type")).toBe("application/x-test");
  expect(r.headers.get("x-meta-owner")).toBe(tag);
  expect((await r.arrayBuffer()).byteLength).toBe(0);
  r = await fetch(`${base}/r2/assets?prefix=files/${tag}/`);
  expect(await r.json()).toEqual({ objects: [{ key, size: bytes.length, etag: md5(bytes) }], truncated: false });
  // Prefixes match by character and list in UTF-8 (code point) order, as R2 does, also beyond the BMP:
  // JavaScript counts 😀 as two UTF-16 units, SQLite as one character, and sorts \uE000 after it.
  const names = ["\uE000.txt", "😀/a.txt", "😀/b.txt", "😀😀.txt", "😁.txt"].map((n) => `emoji-${tag}/${n}`);
  for (const n of names) expect((await fetch(`${base}/r2/assets/${encodeURI(n)}`, { method: "PUT", body: n })).status).toBe(201);
  const listed = async (prefix: string) =>
    ((await (await fetch(`${base}/r2/assets?prefix=${encodeURIComponent(prefix)}`)).json()) as { objects: { key: string }[] }).objects.map((o) => o.key);
  expect(await listed(`emoji-${tag}/😀/`)).toEqual(names.slice(1, 3));
  expect(await listed(`emoji-${tag}/😀`)).toEqual(names.slice(1, 4));
  expect(await listed(`emoji-${tag}/`)).toEqual(names);

  // Delete: a second object goes, the first stays.
  r = await fetch(`${base}/r2/assets/${key}.tmp`, { method: "PUT", body: "short-lived" });
  expect(r.status).toBe(201);
  expect((await fetch(`${base}/r2/assets/${key}.tmp`, { method: "DELETE" })).status).toBe(204);
  expect((await fetch(`${base}/r2/assets/${key}.tmp`)).status).toBe(404);
  expect((await fetch(`${base}/r2/assets/${key}.tmp`, { method: "HEAD" })).status).toBe(404);
  return { tag, big, note, key, bytes };
}

type Stored = Awaited<ReturnType<typeof roundTrip>>;

/** Reads back what roundTrip stored, byte for byte. */
async function stillThere(base: string, s: Stored) {
  expect(await (await fetch(`${base}/kv/cache/big-${s.tag}`)).text()).toBe(s.big);
  const { notes } = (await (await fetch(`${base}/d1/db/notes`)).json()) as { notes: { id: number; body: string }[] };
  expect(notes.find((n) => n.id === s.note.id)?.body).toBe(s.note.body);
  const r = await fetch(`${base}/r2/assets/${s.key}`);
  expect(r.status).toBe(200);
  expect(r.headers.get("x-meta-owner")).toBe(s.tag);
  expect(r.headers.get("content-type")).toBe("application/x-test");
  const got = new Uint8Array(await r.arrayBuffer());
  expect(got.length).toBe(s.bytes.length);
  expect(Buffer.compare(got, s.bytes)).toBe(0);
}

describe("TypeScript project on workerd", () => {
  let dir = "";
  const servers: Server[] = [];
  const serve = async (args: string[], port: number) => {
    const s = await start("node", ["workerd/run.mjs", "serve", "--env", "staging", "--socket-addr", `http=127.0.0.1:${port}`, ...args], dir, port);
    servers.push(s);
    return s;
  };

  beforeAll(async () => {
    const base = tmpDir("workerd");
    const res = await cli(["my-app", "--lang", "typescript", ...CREATE], { cwd: base });
    expect(res.exitCode, String(res.all)).toBe(0);
    dir = join(base, "my-app");
    await run("npm", ["install", "--no-audit", "--no-fund"], dir);
    const build = await run("npm", ["run", "build:workerd", "--", "--env", "staging"], dir);
    expect(build.all).toContain('"staging"');
    expect(existsSync(join(dir, "workerd/dist/index.js"))).toBe(true);
  });

  afterAll(async () => {
    for (const s of servers) await stop(s);
    if (dir) for (const f of ["workerd/server", "workerd/server.sh"]) rmSync(join(dir, f), { force: true });
  });

  it("applies migrations once, tracked in d1_migrations", async () => {
    const first = await run("node", ["workerd/run.mjs", "serve", "--env", "staging", "--migrate-only"], dir);
    expect(first.stdout).toContain("DB: applied 0001_init.sql");
    const again = await run("node", ["workerd/run.mjs", "serve", "--env", "staging", "--migrate-only"], dir);
    expect(again.stdout).not.toContain("applied");
    expect(existsSync(join(dir, ".workerd-state/.gitignore"))).toBe(true);
    // The database file itself: wrangler's bookkeeping table, one row per file.
    const { DatabaseSync } = await import("node:sqlite");
    const d1Dir = join(dir, ".workerd-state/d1");
    const files = readdirSync(d1Dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".sqlite") && !f.endsWith("metadata.sqlite"));
    expect(files).toHaveLength(1);
    const db = new DatabaseSync(join(d1Dir, files[0]), { readOnly: true });
    try {
      expect(db.prepare("SELECT id, name FROM d1_migrations").all()).toEqual([{ id: 1, name: "0001_init.sql" }]);
      expect(db.prepare("SELECT count(*) AS n FROM notes").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  let stored: Stored;
  it("serves every binding, with state that survives a restart", async () => {
    const port = await freePort();
    let s = await serve([], port);
    expect(await (await fetch(`${s.base}/`)).text()).toContain("(staging)");
    stored = await roundTrip(s.base, "serve");
    await stop(s);
    s = await serve([], port);
    await stillThere(s.base, stored);
    await stop(s);
  });

  it("runs as a compiled executable in a fresh folder, without Node, migrating D1 itself", async () => {
    const compiled = await run("npm", ["run", "compile:workerd", "--", "--env", "staging"], dir);
    expect(compiled.all).toContain("workerd/server.sh");
    // A host with only what the README says to copy: no node_modules, no state, no Node on PATH.
    const host = tmpDir("workerd-host");
    mkdirSync(join(host, "workerd"));
    renameSync(join(dir, "workerd/server"), join(host, "workerd/server"));
    renameSync(join(dir, "workerd/server.sh"), join(host, "workerd/server.sh"));
    cpSync(join(dir, "migrations"), join(host, "migrations"), { recursive: true });
    const tools = join(host, "tools");
    mkdirSync(tools);
    symlinkSync(execFileSync("sh", ["-c", "command -v mkdir"], { encoding: "utf8" }).trim(), join(tools, "mkdir"));
    const launch = (port: number) => start("/usr/bin/env", ["-i", `PATH=${tools}`, "/bin/sh", "workerd/server.sh", "--socket-addr", `http=127.0.0.1:${port}`], host, port);
    try {
      const port = await freePort();
      let s = await launch(port);
      servers.push(s);
      expect(existsSync(join(host, ".workerd-state/d1"))).toBe(true);
      expect(await (await fetch(`${s.base}/`)).text()).toContain("(staging)");
      // The notes table exists only if the executable applied 0001_init.sql before answering.
      const fresh = await roundTrip(s.base, "compiled");
      await stop(s);
      s = await launch(port);
      servers.push(s);
      await stillThere(s.base, fresh);
      expect(s.log()).not.toContain("migrations failed");
      await stop(s);
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  });
});

describe("Python project on workerd", () => {
  it("has a config workerd accepts: it stops only at the Pyodide download", async () => {
    const base = tmpDir("workerd-py");
    const res = await cli(["py-app", "--lang", "python", ...CREATE], { cwd: base });
    expect(res.exitCode, String(res.all)).toBe(0);
    const dir = join(base, "py-app");
    await run("npm", ["install", "--no-audit", "--no-fund"], dir);
    for (const d of ["kv", "kv-blobs", "d1", "r2", "r2-blobs"]) mkdirSync(join(dir, ".workerd-state", d), { recursive: true });
    // Offline, workerd gets as far as fetching Pyodide and stops there; with network access it serves.
    const port = await freePort();
    let out = "";
    const child = spawn("node_modules/.bin/workerd", ["serve", "workerd/config.capnp", "config", "--experimental", "--socket-addr", `http=127.0.0.1:${port}`], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const deadline = Date.now() + 60_000;
    let served = false;
    let home = "";
    while (!served && child.exitCode === null && Date.now() < deadline) {
      served = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
      if (served) home = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      else await new Promise((r) => setTimeout(r, 200));
    }
    if (child.exitCode === null) child.kill("SIGTERM");
    const code = await exited;
    if (served) {
      // With network access: the config's vars and routes are in place.
      expect(home).toContain("(development)");
    } else {
      // Offline: the config parsed and the worker was set up; the one failure is the Pyodide download.
      expect(code, out).not.toBe(0);
      expect(out).toMatch(/Request for Pyodide bundle failed/);
      // workerd reports config errors before it fetches Pyodide: any other line is one.
      const others = out.split("\n").filter((l) => l.trim() && l.trim() !== "*** Uncaught exception ***" && !l.includes("Request for Pyodide bundle failed"));
      expect(others, out).toEqual([]);
    }
  });
});
