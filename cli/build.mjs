#!/usr/bin/env node
// Compiles the `tourney` CLI to plain JavaScript in dist/cli (run by `npm install` via `prepare`,
// and before the tests), so the command starts without loading a TypeScript transpiler.
// bin/tourney.mjs falls back to running the TypeScript through tsx when dist/ is absent.
import { build } from "esbuild";

await build({
  // The worker threads are entries of their own, beside the chunks, as scoring/parallel/pool.ts
  // and csv-split.ts expect (`./worker.mjs` and `./csv-worker.mjs` next to them).
  entryPoints: {
    main: "cli/main.ts",
    worker: "scoring/parallel/worker.ts",
    "csv-worker": "scoring/parallel/csv-worker.ts",
  },
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
