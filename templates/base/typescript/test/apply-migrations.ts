import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Runs before each test file: every D1 database gets its migrations (those already applied are skipped).
// The list comes from the wrangler config (see vitest.config.ts), so it is empty until the project has D1.
for (const { binding, migrations } of env.TEST_MIGRATIONS) await applyD1Migrations(env[binding], migrations);
