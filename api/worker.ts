import { openPostgres } from "../db";
import { createApp } from "./app";
import { parseApiConfig } from "./env";
import { jsonLogger } from "./logger";

/** Bindings declared in wrangler.toml. */
export interface WorkerEnv {
  HYPERDRIVE?: { connectionString: string };
  DATABASE_URL?: string;
  [key: string]: unknown;
}

/**
 * Cloudflare Workers entry: the same app, with Postgres reached through Hyperdrive (or a plain
 * connection string). A connection is opened per request, as Workers require. Migrations are not
 * run here: migrate the database from Node (`openDb({ url })`) before deploying.
 */
export default {
  async fetch(request: Request, env: WorkerEnv, ctx: { waitUntil(p: Promise<unknown>): void }) {
    const url = env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
    if (!url)
      return new Response("DATABASE_URL or a HYPERDRIVE binding is required", { status: 500 });
    const handle = await openPostgres(url, 1);
    const strings = Object.fromEntries(
      Object.entries(env).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>;
    const app = createApp({
      db: handle.db,
      config: parseApiConfig(strings),
      logger: jsonLogger("info"),
      // SIWE nonces default to the wallet_nonces table, which every isolate shares.
    });
    const response = await app.fetch(request);
    ctx.waitUntil(handle.close());
    return response;
  },
};
