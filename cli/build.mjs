#!/usr/bin/env node
// Compiles the `tourney` CLI to plain JavaScript in dist/cli (run by `npm install` via `prepare`,
// and before the tests), so the command starts without loading a TypeScript transpiler.
// bin/tourney.mjs falls back to running the TypeScript through tsx when dist/ is absent.
import { build } from "esbuild";

await build({
  // The scoring worker thread is its own entry, beside the chunks, as scoring/parallel/pool.ts
  // expects (`./worker.mjs` next to it).
  entryPoints: { main: "cli/main.ts", worker: "scoring/parallel/worker.ts" },
  outExtension: { ".js": ".mjs" },
  outdir: "dist/cli",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});

// The helper thread of `tourney score` (formats/csv-split.ts looks for
// `./csv-worker.cjs` next to it): one CommonJS file, which a worker thread loads some 30 ms
// sooner than ES modules, and it is on the command's critical path.
await build({
  entryPoints: { "csv-worker": "formats/csv-worker.ts" },
  outExtension: { ".js": ".cjs" },
  outdir: "dist/cli",
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
