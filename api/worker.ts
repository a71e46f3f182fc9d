import { openPostgres } from "../db";
import { createApp } from "./app";
import { type ApiConfig, ApiConfigSchema } from "./env";
import { cloudflareClientAddress } from "./limits/client-address";
import { dbRateLimits } from "./limits/rate-limits";
import { jsonLogger } from "./logger";

/** Bindings declared in wrangler.toml. */
export interface WorkerEnv {
  HYPERDRIVE?: { connectionString: string };
  DATABASE_URL?: string;
  [key: string]: unknown;
}

/** The settings of a Workers environment, parsed once per isolate (its bindings do not change). */
const configs = new WeakMap<
  object,
  { ok: true; value: ApiConfig } | { ok: false; response: Response }
>();
function configOf(env: WorkerEnv) {
  let out = configs.get(env);
  if (!out) {
    const strings = Object.fromEntries(
      Object.entries(env).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>;
    const parsed = ApiConfigSchema.safeParse(strings);
    out = parsed.success
      ? { ok: true, value: parsed.data }
      : {
          ok: false,
          response: Response.json(
            {
              error: {
                code: "internal",
                message: "Invalid configuration",
                details: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
              },
            },
            { status: 500 },
          ),
        };
    configs.set(env, out);
  }
  return out;
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
    const config = configOf(env);
    if (!config.ok) return config.response;
    const handle = await openPostgres(url, 1);
    const app = createApp({
      db: handle.db,
      config: config.value,
      logger: jsonLogger(config.value.LOG_LEVEL),
      // SIWE nonces default to the wallet_nonces table, which every isolate shares; so do the
      // rate-limit counters (rate_limits), and the client is the one Cloudflare names.
      rateLimits: dbRateLimits(handle.db, config.value, { sweep: false }),
      clientAddress: cloudflareClientAddress,
    });
    const response = await app.fetch(request);
    ctx.waitUntil(handle.close());
    return response;
  },
};
