// Every version a generated project pins, and the compatibility date.
// They were installed and tested together by the e2e suite (test/e2e);
// change one only with that suite green.

/** The newest date that wrangler's runtime and @cloudflare/vitest-plugin's runtime both accept. */
export const COMPATIBILITY_DATE = "2026-11-09";

/** npm packages, as written into generated package.json files. */
export const npm = {
  wrangler: "4.164.0",
  "@cloudflare/vitest-plugin": "1.5.0",
  vitest: "5.1.1",
  typescript: "7.0.2",
  "@types/node": "24.19.2",
  workerd: "1.20261117.1",
  /** vitest's peer dependency, pinned so that yarn (which installs no peers) gets it too; npm resolves the same version. */
  vite: "8.3.8",
  /** TypeScript projects' linter (`biome lint`): one package, a native binary, no plugins. */
  "@biomejs/biome": "2.6.8",
  /** Python projects' type checker: runs on Node, so it needs no download at check time. */
  pyright: "1.1.414",
} as const;

/** PyPI packages, as written into generated pyproject.toml files. */
export const pypi = {
  "workers-py": "1.17.9",
  "workers-runtime-sdk": "1.9.5",
  pytest: "9.1.1",
  ruff: "0.16.9",
} as const;

/**
 * GitHub Actions used by the generated workflow, pinned to the full commit SHA of a release tag
 * (a tag can be moved; a commit cannot). `version` is the tag, written next to the SHA as a comment.
 * Each SHA was read from the action's repository: `git rev-parse <tag>^{commit}`.
 */
export const actions = {
  checkout: { uses: "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" },
  setupNode: { uses: "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020", version: "v7.0.0" },
  setupUv: { uses: "astral-sh/setup-uv@20cfd1bf945f4377ade1205e4dbc17946fc9a30d", version: "v10.0.1" },
  setupBun: { uses: "oven-sh/setup-bun@0c5077e51419868618aeaa5fe8019c62421857d6", version: "v2.2.0" },
  /** The Node.js major the workflow runs wrangler on (wrangler needs >= 22.12). */
  node: "24",
  /** pnpm projects: installed with `npm install --global`, exact version, no third-party action. */
  pnpm: "12.21.0",
  /** uv, installed by setup-uv: a fixed version, not whatever is newest on the day of the run. */
  uv: "0.13.8",
  /** yarn projects: Yarn 4 (npm package @yarnpkg/cli-dist), installed the same way; the runner's yarn is Classic 1.x. */
  yarn: "4.18.1",
} as const;

/** The Python version generated projects target (Pyodide's). */
export const PYTHON_VERSION = "3.13";

/** wrangler 4 refuses older Node versions. */
export const WRANGLER_MIN_NODE = "22.12.0";
