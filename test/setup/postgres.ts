import { ensurePostgres } from "./environment.mjs";

/**
 * vitest's global setup: a targeted `npx vitest run FILE` meets the same Postgres as `npm test`
 * (whose first step, test/setup/environment.mjs, also installs Chromium), or stops with the
 * message saying what to run.
 */
export default async function setup() {
  await ensurePostgres();
}
