import { defineConfig } from "vitest/config";
import { chromiumPath, testDatabaseUrl } from "./test/setup/environment.mjs";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["test/setup/postgres.ts", "test/setup/anvil.ts"],
    setupFiles: ["test/setup/matchers.ts"],
    // The database suites run on PGlite and on this Postgres; the browser suite drives this
    // Chromium. `npm test` makes both exist first (test/setup/environment.mjs).
    env: { TEST_DATABASE_URL: testDatabaseUrl(), CHROMIUM: chromiumPath() },
  },
});
