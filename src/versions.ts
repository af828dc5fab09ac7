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
  typescript: "6.0.3",
  "@types/node": "24.19.2",
  workerd: "1.20261117.1",
} as const;

/** PyPI packages, as written into generated pyproject.toml files. */
export const pypi = {
  "workers-py": "1.17.9",
  "workers-runtime-sdk": "1.9.5",
  pytest: "9.1.1",
  ruff: "0.16.9",
} as const;

/** GitHub Actions used by the generated workflow. */
export const actions = {
  checkout: "actions/checkout@v5",
  setupNode: "actions/setup-node@v5",
  setupUv: "astral-sh/setup-uv@v7",
} as const;

/** The Python version generated projects target (Pyodide's). */
export const PYTHON_VERSION = "3.13";

/** wrangler 4 refuses older Node versions. */
export const WRANGLER_MIN_NODE = "22.12.0";
