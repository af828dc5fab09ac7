#!/usr/bin/env node
// Node >= 22.1 can keep the compiled bundle on disk between runs (it saves start-up time);
// Node 20 has no module.enableCompileCache, and runs without it.
import module from "node:module";

module.enableCompileCache?.();
await import("../dist/cli.js");
