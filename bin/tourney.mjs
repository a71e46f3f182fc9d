#!/usr/bin/env node
// The `tourney` command. Runs the compiled CLI in dist/cli when it is there (built by
// `npm install` and before the tests: `node cli/build.mjs`), else the TypeScript through tsx.
import { existsSync } from "node:fs";

const compiled = new URL("../dist/cli/main.mjs", import.meta.url);
if (existsSync(compiled) && !process.env.TOURNEY_FROM_SOURCE) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/main.ts");
}
