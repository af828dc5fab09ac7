// `npm run dev` in a fresh TypeScript project answers every binding's route on the first try:
// local D1 needs its migrations, which the dev script applies before wrangler dev starts.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, run, tmpDir } from "../support/cli.ts";
import { linkNodeModules } from "../support/npm.ts";
import { freePort, type Server, start, stop } from "../support/server.ts";

describe("npm run dev in a new TypeScript project with KV, D1 and R2", () => {
  let server: Server | undefined;

  beforeAll(async () => {
    const dir = join(tmpDir("dev"), "app");
    const r = await cli([dir, "--yes", "--pm", "npm", "--lang", "typescript", "--kv", "CACHE", "--d1", "DB", "--r2", "ASSETS", "--no-install", "--no-git"]);
    expect(r.exitCode, String(r.all)).toBe(0);
    await linkNodeModules(dir);
    await run("npm", ["run", "cf-typegen"], dir);
    const port = await freePort();
    server = await start("npm", ["run", "dev", "--", "--ip", "127.0.0.1", "--port", String(port)], dir, port, 60_000);
  });

  afterAll(async () => {
    if (server) await stop(server);
  });

  it("serves the D1 notes table without a manual migration step", async () => {
    const base = server!.base;
    const posted = await fetch(`${base}/d1/db/notes`, { method: "POST", body: JSON.stringify({ body: "first" }) });
    expect(posted.status, server!.log()).toBe(201);
    const listed = (await (await fetch(`${base}/d1/db/notes`)).json()) as { notes: { body: string }[] };
    expect(listed.notes.map((n) => n.body)).toContain("first");
  });

  it("serves KV and R2", async () => {
    const base = server!.base;
    expect((await fetch(`${base}/kv/cache/k`, { method: "PUT", body: "v" })).status).toBe(201);
    expect(await (await fetch(`${base}/kv/cache/k`)).text()).toBe("v");
    expect((await fetch(`${base}/r2/assets/a.txt`, { method: "PUT", body: "hello" })).status).toBe(201);
    expect(await (await fetch(`${base}/r2/assets/a.txt`)).text()).toBe("hello");
  });
});
