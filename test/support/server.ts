// Servers started by tests: on 127.0.0.1, waited for with a deadline, stopped by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { toolEnv } from "./cli.ts";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Server {
  child: ChildProcess;
  base: string;
  log: () => string;
}

/**
 * Starts a server and waits (bounded) for GET /health to answer 200. The process leads its own
 * process group, so that stop() also ends what it started (npm -> sh -> wrangler -> workerd).
 */
export async function start(cmd: string, args: string[], cwd: string, port: number, timeoutMs = 30_000): Promise<Server> {
  let out = "";
  const child = spawn(cmd, args, { cwd, env: toolEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const server = { child, base: `http://127.0.0.1:${port}`, log: () => out };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${out}`);
    const ok = await fetch(`${server.base}/health`).then((r) => r.status === 200, () => false);
    if (ok) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop(server);
  throw new Error(`no 200 from ${server.base}/health within ${timeoutMs / 1000} s:\n${out}`);
}

/** SIGTERM to the process group by the leader's PID, then SIGKILL if it is still there after 5 s. */
export async function stop(s: Server): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null || s.child.pid === undefined) return;
  const pid = s.child.pid;
  const exited = new Promise((r) => s.child.once("exit", r));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
  // Children may outlive the leader briefly; make sure none keeps the port.
  signal("SIGKILL");
}
