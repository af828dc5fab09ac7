// The test-only binding vitest.config.ts adds: each D1 binding's name, checked against the generated Env, and its migrations.
declare namespace Cloudflare {
	type D1Binding = { [K in Exclude<keyof Env, "TEST_MIGRATIONS">]: Env[K] extends D1Database ? K : never }[Exclude<keyof Env, "TEST_MIGRATIONS">];
	interface Env {
		TEST_MIGRATIONS: { binding: D1Binding; migrations: import("cloudflare:test").D1Migration[] }[];
	}
}
