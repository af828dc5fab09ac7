// The workerd config generator, the files --workerd adds, and the migration statement splitter.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readProject } from "../../src/config/read.ts";
import { derivedFiles } from "../../src/features/derived.ts";
import type { Project } from "../../src/model.ts";
import { plan } from "../../src/render.ts";
import { envConst, secretNames, workerdConfig } from "../../src/workerd/config.ts";
import { cli, ROOT, tmpDir } from "../support/cli.ts";

const RUN_MJS = join(ROOT, "templates/features/workerd/common/workerd/run.mjs");

/** A folder with workerd/config.capnp and run.mjs, as a generated project has them. */
function projectDir(capnp: string): string {
  const dir = tmpDir("workerd-run");
  mkdirSync(join(dir, "workerd"));
  writeFileSync(join(dir, "workerd/config.capnp"), capnp);
  copyFileSync(RUN_MJS, join(dir, "workerd/run.mjs"));
  mkdirSync(join(dir, "workerd/dist"));
  writeFileSync(join(dir, "workerd/dist/index.js"), "export default {};\n");
  return dir;
}

const project = (over: Partial<Project> = {}): Project => ({
  name: "my-app",
  lang: "typescript",
  bindings: [
    { kind: "kv", name: "CACHE" },
    { kind: "d1", name: "DB" },
    { kind: "r2", name: "ASSETS" },
  ],
  envs: ["staging"],
  config: "toml",
  ci: "none",
  workerd: true,
  compatDate: "2026-11-09",
  ...over,
});

describe("workerdConfig", () => {
  const text = workerdConfig(project(), { secrets: ["API_TOKEN"] });

  it("has one Config per environment, each with its own resources and vars", () => {
    expect(text).toMatch(/^using Workerd = import "\/workerd\/workerd.capnp";$/m);
    expect(text).toContain("const config :Workerd.Config");
    expect(text).toContain("const envStaging :Workerd.Config");
    expect(text).toContain('(name = "ENVIRONMENT", text = "development")');
    expect(text).toContain('(name = "ENVIRONMENT", text = "staging")');
    expect(text).toContain('{\\"namespace\\":\\"my-app-cache-staging\\"}');
    expect(text).toContain('{\\"database\\":\\"my-app-db\\"}');
    expect(text).toContain('{\\"bucket\\":\\"my-app-assets-staging\\"}');
  });

  it("reads secrets from the environment and binds loopback only", () => {
    expect(text).toContain('(name = "API_TOKEN", fromEnvironment = "API_TOKEN")');
    expect([...text.matchAll(/address = "([^"]+)"/g)].map((m) => m[1])).toEqual(["127.0.0.1:8787", "127.0.0.1:8787"]);
  });

  it("includes storage workers only for the kinds in use", () => {
    const kvOnly = workerdConfig(project({ bindings: [{ kind: "kv", name: "CACHE" }], envs: [] }), { secrets: [] });
    expect(kvOnly).toContain('bundled = "/workerd/kv.js"');
    expect(kvOnly).not.toContain("d1.js");
    expect(kvOnly).not.toContain("Migrate");
    expect(kvOnly).not.toContain("r2Extension");
    expect(kvOnly).not.toContain("envStaging");
  });

  it("runs Python from source with the python_workers flag", () => {
    const py = workerdConfig(project({ lang: "python" }), { secrets: [], pythonModules: ["src/util.py", "src/entry.py"] });
    expect(py).toContain('(name = "entry.py", pythonModule = embed "../src/entry.py")');
    expect(py.indexOf('"entry.py"')).toBeLessThan(py.indexOf('"util.py"'));
    expect(py).toContain('compatibilityFlags = ["python_workers"]');
    expect(py).not.toContain("dist/index.js");
  });

  it("names environment constants as run.mjs looks them up", () => {
    expect(envConst()).toBe("config");
    expect(envConst("pre-prod")).toBe("envPreProd");
    const capnp = workerdConfig(project({ bindings: [{ kind: "kv", name: "CACHE" }], envs: ["pre-prod"] }), { secrets: [] });
    const dir = projectDir(capnp);
    const node = (args: string[]) => spawnSync(process.execPath, ["workerd/run.mjs", ...args], { cwd: dir, encoding: "utf8", timeout: 10_000 });
    // --migrate-only does not start workerd: it finds the constant, creates the state folders and stops.
    const ok = node(["serve", "--env", "pre-prod", "--migrate-only"]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(existsSync(join(dir, ".workerd-state/kv"))).toBe(true);
    const missing = node(["serve", "--env", "preprod", "--migrate-only"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('No environment "preprod"');
  });

  it("names any environment as Cap'n Proto allows: camelCase letters and digits, as run.mjs does", () => {
    expect(envConst("staging_eu")).toBe("envStagingEu");
    for (const env of ["staging_eu", "a--b", "eu.west_2", "x_"]) expect(envConst(env)).toMatch(/^[a-z][A-Za-z0-9]*$/);
    const capnp = workerdConfig(project({ bindings: [{ kind: "kv", name: "CACHE" }], envs: ["staging_eu", "a--b"] }), { secrets: [] });
    expect(capnp).toContain("const envStagingEu :Workerd.Config");
    const dir = projectDir(capnp);
    for (const env of ["staging_eu", "a--b"]) {
      const r = spawnSync(process.execPath, ["workerd/run.mjs", "serve", "--env", env, "--migrate-only"], { cwd: dir, encoding: "utf8", timeout: 10_000 });
      expect(r.status, r.stderr).toBe(0);
    }
  });

  it("gives the storage workers a date with RPC, whatever the project's date", () => {
    const old = workerdConfig(project({ compatDate: "2023-01-01" }), { secrets: [] });
    const dates = [...old.matchAll(/const (\w+)Service :Workerd.Service = \(name = "\w+", worker = \(\n.*\n\s*compatibilityDate = "([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(dates.map(([name]) => name)).toEqual(["kv", "d1", "r2"]);
    for (const [, date] of dates) expect(date >= "2024-04-03").toBe(true);
    expect(old).toContain('compatibilityDate = "2023-01-01"'); // the app keeps the project's
  });

  it("says where the Pyodide bundle comes from in Python configs only", () => {
    expect(workerdConfig(project({ lang: "python" }), { secrets: [] })).toMatch(/^# .*--pyodide-bundle-disk-cache-dir/m);
    expect(text).not.toContain("Pyodide");
  });
});

describe("workerdConfig from a hand-edited wrangler config", () => {
  const toml = `name = "app1"
main = "src/index.ts"
compatibility_date = "2026-10-01"
compatibility_flags = ["nodejs_compat", "no_handle_cross_request_promise_resolution"]

[vars]
ENVIRONMENT = "development"
GREETING = "hi"
LIMITS = { max = 3 }

[[kv_namespaces]]
binding = "CACHE"
id = "0f2ac74b498b48028cb68387c421e279"

[[d1_databases]]
binding = "DB"
database_name = "orders-db"
migrations_dir = "db/migrations"

[[r2_buckets]]
binding = "FILES"
bucket_name = "my-files"

[env.staging]
compatibility_flags = ["nodejs_compat"]

[env.staging.vars]
ENVIRONMENT = "staging"

[[env.staging.r2_buckets]]
binding = "FILES"
bucket_name = "my-files-staging"
`;
  const dir = tmpDir("workerd-edited");
  writeFileSync(join(dir, "wrangler.toml"), toml);
  mkdirSync(join(dir, "workerd"));
  writeFileSync(join(dir, "workerd/config.capnp"), "old");
  const model = project({ name: "app1", bindings: [], envs: ["staging"] });
  const capnp = derivedFiles(model, dir)[0].content;
  const [top, staging] = capnp.split("const envStaging :Workerd.Config");

  it("takes vars, compatibility date and flags from the config", () => {
    expect(top).toContain('(name = "GREETING", text = "hi")');
    expect(top).toContain('(name = "LIMITS", json = "{\\"max\\":3}")');
    expect(top).toContain('compatibilityDate = "2026-10-01"');
    expect(top).toContain('compatibilityFlags = ["nodejs_compat", "no_handle_cross_request_promise_resolution"]');
  });

  it("binds each binding to the resource the config names", () => {
    expect(top).toContain('{\\"namespace\\":\\"0f2ac74b498b48028cb68387c421e279\\"}');
    expect(top).toContain('{\\"database\\":\\"orders-db\\"}');
    expect(top).toContain('{\\"bucket\\":\\"my-files\\"}');
    expect(top).toContain('disk = (path = "db/migrations")');
    expect(capnp).not.toContain("app1-files");
  });

  it("gives environments their own vars and bindings, and the top level's date unless they set one", () => {
    expect(staging).toContain('(name = "ENVIRONMENT", text = "staging")');
    expect(staging).not.toContain("GREETING");
    expect(staging).toContain('{\\"bucket\\":\\"my-files-staging\\"}');
    expect(staging).not.toContain('name = "CACHE"');
    expect(staging).toContain('compatibilityDate = "2026-10-01"');
    expect(staging).toContain('compatibilityFlags = ["nodejs_compat"]');
  });
});

describe("add rewrites the workerd config from the patched wrangler config", () => {
  it("binds the bucket named by --bucket-name", async () => {
    const dir = tmpDir("workerd-add");
    const files = plan(project({ name: "app1", bindings: [], envs: [] }), { pm: "npm" });
    for (const f of files.filter((f) => ["wrangler.toml", "package.json", "workerd/config.capnp", ".dev.vars.example", "src/index.ts"].includes(f.path))) {
      mkdirSync(join(dir, f.path, ".."), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    writeFileSync(join(dir, "wrangler.toml"), readFileSync(join(dir, "wrangler.toml"), "utf8").replace("[vars]", '[vars]\nGREETING = "hi"'));
    const r = await cli(["add", "r2", "FILES", "--bucket-name", "my-files", "--cwd", dir]);
    expect(r.exitCode, String(r.all)).toBe(0);
    const capnp = readFileSync(join(dir, "workerd/config.capnp"), "utf8");
    expect(capnp).toContain('{\\"bucket\\":\\"my-files\\"}');
    expect(capnp).toContain('(name = "GREETING", text = "hi")');
    expect(capnp).not.toContain("app1-files");
  });
});

describe("secretNames", () => {
  it("takes uncommented NAME= lines only", () => {
    expect(secretNames('# API_TOKEN="x"\nA=1\nexport B = "2"\n\nA=3\n')).toEqual(["A", "B"]);
    expect(secretNames(undefined)).toEqual([]);
  });
});

describe("create --workerd", () => {
  it("adds the config, scripts and container files; nothing without the flag", () => {
    const paths = plan(project(), { pm: "npm" }).map((f) => f.path);
    for (const p of ["workerd/config.capnp", "workerd/run.mjs", "workerd/r2.js", "workerd/r2-bucket.js", "workerd/migrate.js", "Dockerfile", "docker-compose.yml", ".dockerignore"])
      expect(paths).toContain(p);
    const pkg = JSON.parse(plan(project(), { pm: "npm" }).find((f) => f.path === "package.json")!.content);
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(["build:workerd", "start:workerd", "compile:workerd"]));
    expect(pkg.devDependencies.workerd).toMatch(/^\d+\.\d+\.\d+$/);
    const without = plan(project({ workerd: false }), { pm: "npm" }).map((f) => f.path);
    expect(without.filter((p) => p.startsWith("workerd/") || p.startsWith("Docker") || p.startsWith("docker"))).toEqual([]);
  });

  it("publishes the container port on loopback, unprivileged", () => {
    const compose = readFileSync(join(ROOT, "templates/features/workerd/common/docker-compose.yml"), "utf8");
    expect(compose).toContain('"127.0.0.1:8787:8787"');
    expect(compose).not.toMatch(/privileged|cap_add|SYS_ADMIN/);
  });
});

describe("derivedFiles", () => {
  it("rewrites the workerd config from the changed model, secrets from .dev.vars.example", () => {
    const dir = mkdtempSync(join(tmpdir(), "cew-derived-"));
    mkdirSync(join(dir, "workerd"));
    writeFileSync(join(dir, "workerd/config.capnp"), "old");
    writeFileSync(join(dir, ".dev.vars.example"), 'SIGNING_KEY="change-me"\n');
    writeFileSync(join(dir, "wrangler.toml"), 'name = "my-app"\nmain = "src/index.ts"\n\n[[r2_buckets]]\nbinding = "UPLOADS"\nbucket_name = "uploads"\n');
    // The wrangler config on disk is the source.
    const files = derivedFiles(project({ bindings: [{ kind: "r2", name: "UPLOADS" }] }), dir);
    expect(files.map((f) => f.path)).toEqual(["workerd/config.capnp"]);
    expect(files[0].content).toContain('(name = "UPLOADS", wrapped = (moduleName = "local:r2-bucket"');
    expect(files[0].content).toContain('fromEnvironment = "SIGNING_KEY"');
    expect(files[0].content).not.toContain("change-me");
    expect(derivedFiles(project({ workerd: false }), mkdtempSync(join(tmpdir(), "cew-derived-")))).toEqual([]);
  });
});

describe("a project has workerd exactly when it has workerd/config.capnp", () => {
  const TOML = 'name = "my-app"\nmain = "src/index.ts"\ncompatibility_date = "2026-11-09"\n';
  it("reads it from that file alone: not from package.json, not from a .capnp elsewhere", () => {
    const dir = tmpDir("workerd-has");
    writeFileSync(join(dir, "wrangler.toml"), TOML);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ devDependencies: { workerd: "1.20261117.1" } }));
    writeFileSync(join(dir, "other.capnp"), "");
    expect(readProject(dir).project.workerd).toBe(false);
    mkdirSync(join(dir, "workerd"));
    writeFileSync(join(dir, "workerd/config.capnp"), "old");
    expect(readProject(dir).project.workerd).toBe(true);
  });

  it("add writes no workerd config into a project that has workerd in package.json but never had one", async () => {
    const dir = tmpDir("workerd-has-add");
    writeFileSync(join(dir, "wrangler.toml"), TOML);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "my-app", devDependencies: { workerd: "1.20261117.1" } }));
    const r = await cli(["add", "kv", "CACHE", "--cwd", dir]);
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(existsSync(join(dir, "workerd"))).toBe(false);
  });
});

describe("compile: the launcher of the compiled executable", () => {
  // A stand-in for workerd: `compile` prints an "executable" that reports how it was started.
  const fakeWorkerd = (dir: string) => {
    const bin = join(dir, "fake-workerd");
    writeFileSync(bin, `#!/bin/sh\nprintf '#!/bin/sh\\necho "args: $*"; echo "cwd: $(pwd)"\\n'\n`, { mode: 0o755 });
    return bin;
  };
  const capnp = workerdConfig(project({ envs: [] }), { secrets: [] });

  it("starts the executable with --experimental in a fresh folder, creating the state folders, without Node", () => {
    const dir = projectDir(capnp);
    const c = spawnSync(process.execPath, ["workerd/run.mjs", "compile"], { cwd: dir, encoding: "utf8", timeout: 10_000, env: { ...process.env, WORKERD_BIN: fakeWorkerd(dir) } });
    expect(c.status, c.stderr).toBe(0);
    const host = tmpDir("workerd-host");
    mkdirSync(join(host, "bin"));
    mkdirSync(join(host, "migrations"));
    copyFileSync(join(dir, "workerd/server"), join(host, "bin/server"));
    copyFileSync(join(dir, "workerd/server.sh"), join(host, "bin/server.sh"));
    // PATH holds mkdir and nothing else (no node): the shell is started by its absolute path.
    const tools = join(host, "tools");
    mkdirSync(tools);
    spawnSync("ln", ["-s", spawnSync("sh", ["-c", "command -v mkdir"], { encoding: "utf8" }).stdout.trim(), join(tools, "mkdir")]);
    const ok = spawnSync("/bin/sh", ["bin/server.sh", "--socket-addr", "http=127.0.0.1:9"], { cwd: host, encoding: "utf8", timeout: 10_000, env: { PATH: tools } });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("args: --experimental --socket-addr http=127.0.0.1:9");
    for (const d of ["kv", "kv-blobs", "d1", "r2", "r2-blobs"]) expect(existsSync(join(host, ".workerd-state", d))).toBe(true);
    expect(readFileSync(join(host, ".workerd-state/.gitignore"), "utf8")).toBe("*\n");
  });

  it("leaves the previous executable when workerd compile fails", () => {
    const dir = projectDir(capnp);
    const bin = join(dir, "failing-workerd");
    writeFileSync(bin, "#!/bin/sh\nprintf 'partial'\necho 'compile error' >&2\nexit 3\n", { mode: 0o755 });
    writeFileSync(join(dir, "workerd/server"), "previous", { mode: 0o755 });
    const c = spawnSync(process.execPath, ["workerd/run.mjs", "compile"], { cwd: dir, encoding: "utf8", timeout: 10_000, env: { ...process.env, WORKERD_BIN: bin } });
    expect(c.status).toBe(3);
    expect(c.stderr).toContain("workerd compile failed");
    expect(readFileSync(join(dir, "workerd/server"), "utf8")).toBe("previous");
    expect(readdirSync(join(dir, "workerd")).sort()).toEqual(["config.capnp", "dist", "run.mjs", "server"]);
  });

  it("refuses to start where the migrations folder is missing", () => {
    const dir = projectDir(capnp);
    spawnSync(process.execPath, ["workerd/run.mjs", "compile"], { cwd: dir, timeout: 10_000, env: { ...process.env, WORKERD_BIN: fakeWorkerd(dir) } });
    const host = tmpDir("workerd-host");
    const r = spawnSync("/bin/sh", [join(dir, "workerd/server.sh")], { cwd: host, encoding: "utf8", timeout: 10_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("No migrations/ folder here");
    expect(r.stdout).not.toContain("args:");
  });
});

describe("migration statements", async () => {
  const { statements } = await import(join(ROOT, "templates/features/workerd/common/workerd/migrate.js"));
  it("splits at semicolons outside strings, comments and trigger bodies", () => {
    const sql = `-- Migration number: 0002
CREATE TABLE t (a TEXT DEFAULT 'x;y'); /* a; comment */
INSERT INTO t VALUES ("q;"" ");
CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = 'b'; DELETE FROM t WHERE a = ';'; END;
-- trailing comment only`;
    expect(statements(sql)).toEqual([
      "-- Migration number: 0002\nCREATE TABLE t (a TEXT DEFAULT 'x;y');",
      '/* a; comment */\nINSERT INTO t VALUES ("q;"" ");',
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = 'b'; DELETE FROM t WHERE a = ';'; END;",
    ]);
  });

  it("keeps a CASE ... END inside a trigger body in the trigger", () => {
    const sql = `CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  UPDATE t SET a = CASE WHEN new.a = 'x' THEN 'y' ELSE CASE new.a WHEN 'z' THEN 'w' END END;
  DELETE FROM t WHERE a IS NULL;
END;
SELECT CASE WHEN 1 THEN 2 END;
INSERT INTO t VALUES ('after');`;
    expect(statements(sql)).toEqual([
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET a = CASE WHEN new.a = 'x' THEN 'y' ELSE CASE new.a WHEN 'z' THEN 'w' END END;\n  DELETE FROM t WHERE a IS NULL;\nEND;",
      "SELECT CASE WHEN 1 THEN 2 END;",
      "INSERT INTO t VALUES ('after');",
    ]);
  });
});
