// The workerd config generator, the files --workerd adds, and the migration statement splitter.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { derivedFiles } from "../../src/features/derived.ts";
import type { Project } from "../../src/model.ts";
import { plan } from "../../src/render.ts";
import { envConst, secretNames, workerdConfig } from "../../src/workerd/config.ts";
import { ROOT } from "../support/cli.ts";

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

  it("names environment constants as run.mjs does", () => {
    expect(envConst()).toBe("config");
    expect(envConst("pre-prod")).toBe("envPreProd");
    const runMjs = readFileSync(join(ROOT, "templates/features/workerd/common/workerd/run.mjs"), "utf8");
    expect(runMjs).toContain("`env${env.split(\"-\").map((s) => s[0].toUpperCase() + s.slice(1)).join(\"\")}`");
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
    // The re-read model does not know about --workerd: the config on disk says so.
    const files = derivedFiles(project({ workerd: false, bindings: [{ kind: "r2", name: "UPLOADS" }] }), dir);
    expect(files.map((f) => f.path)).toEqual(["workerd/config.capnp"]);
    expect(files[0].content).toContain('(name = "UPLOADS", wrapped = (moduleName = "local:r2-bucket"');
    expect(files[0].content).toContain('fromEnvironment = "SIGNING_KEY"');
    expect(files[0].content).not.toContain("change-me");
    expect(derivedFiles(project({ workerd: false }), mkdtempSync(join(tmpdir(), "cew-derived-")))).toEqual([]);
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
});
