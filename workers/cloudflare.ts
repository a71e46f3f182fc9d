import type { Address, Hex } from "viem";
import { claimJob, openPostgres } from "../db";
import { createChain } from "./chain/client";
import type { JobContext } from "./context";
import { indexOnce } from "./indexer";
import { runJob } from "./runner";

/** Bindings of the `jobs` environment in wrangler.toml. */
export interface JobsEnv {
  HYPERDRIVE?: { connectionString: string };
  DATABASE_URL?: string;
  RPC_URL: string;
  OPERATOR_KEY: string;
  TOURNAMENT_ADDRESS: string;
  SETTLE_BATCH?: string;
  SETTLE_GAS_LIMIT?: string;
}

const log = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
  console.log(JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields }));

/**
 * Runs the jobs that are due, then one indexing pass, within a time budget: what a cron
 * trigger or a queue message does on Cloudflare (the same handlers as `npm run worker`).
 * Returns how many jobs ran.
 */
export async function runDue(env: JobsEnv, budgetMs = 25_000): Promise<number> {
  const url = env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL or a HYPERDRIVE binding is required");
  const handle = await openPostgres(url, 2);
  const ctx: JobContext = {
    db: handle.db,
    chain: createChain({
      rpcUrl: env.RPC_URL,
      operatorKey: env.OPERATOR_KEY as Hex,
      tournament: env.TOURNAMENT_ADDRESS as Address,
    }),
    logger: { info: log("info"), warn: log("warn"), error: log("error") },
    settleBatch: Number(env.SETTLE_BATCH ?? 1000),
    settleGasLimit: BigInt(env.SETTLE_GAS_LIMIT ?? 25_000_000),
  };
  const deadline = Date.now() + budgetMs;
  let ran = 0;
  try {
    while (Date.now() < deadline) {
      const job = await claimJob(ctx.db, "cloudflare");
      if (!job) break;
      await runJob(ctx, job);
      ran++;
    }
    await indexOnce(ctx.db, ctx.chain);
  } finally {
    await handle.close();
  }
  return ran;
}

interface ExecutionContext {
  waitUntil(p: Promise<unknown>): void;
}

export default {
  /** Cron trigger: run whatever is due. */
  async scheduled(_controller: unknown, env: JobsEnv, ctx: ExecutionContext) {
    ctx.waitUntil(runDue(env));
  },
  /** Queue consumer: a message ("round N changed") means work may be due now, not at the next cron. */
  async queue(batch: { messages: { ack(): void }[] }, env: JobsEnv) {
    await runDue(env);
    for (const m of batch.messages) m.ack();
  },
};
