import { openPostgres } from "../db";
import { createApp } from "./app";
import { memoryNonceStore } from "./domain/nonces";
import { parseApiConfig } from "./env";
import { jsonLogger } from "./logger";

/** Bindings declared in wrangler.toml. */
export interface WorkerEnv {
  HYPERDRIVE?: { connectionString: string };
  DATABASE_URL?: string;
  [key: string]: unknown;
}

/**
 * SIWE nonces live as long as the isolate. Isolates do not share them: a nonce issued by one
 * may be unknown to another (the client then asks again); a shared store (a table or KV) fixes
 * that, behind the same NonceStore interface.
 */
const nonces = memoryNonceStore();

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
      nonces,
    });
    const response = await app.fetch(request);
    ctx.waitUntil(handle.close());
    return response;
  },
};
