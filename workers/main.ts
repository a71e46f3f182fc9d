import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { openDb } from "../db";
import { createChain } from "./chain/client";
import { chainDivergences, describeDivergences } from "./chain/reconcile";
import { startWorker } from "./runner";

/**
 * `npm run worker`: a standalone worker process. Several can run against one Postgres; they
 * share the job table. Without explicit chain settings it uses the local stack's `dev.json`.
 */
const Env = z.object({
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default(".tourney"),
  RPC_URL: z.string().optional(),
  OPERATOR_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/)
    .optional(),
  TOURNAMENT_ADDRESS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/)
    .optional(),
  WORKER_POLL_MS: z.coerce.number().int().positive().default(250),
  SETTLE_BATCH: z.coerce.number().int().positive().default(1000),
  /** Most gas per settle transaction; larger batches are split (default: fits a 30M block). */
  SETTLE_GAS_LIMIT: z.coerce.bigint().positive().default(25_000_000n),
  /** Deliver webhooks to private and loopback addresses (off unless set; the dev stack sets it). */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
});
const env = Env.parse(process.env);
const dev = join(env.DATA_DIR, "dev.json");
const local = existsSync(dev) ? JSON.parse(readFileSync(dev, "utf8")) : undefined;
const rpcUrl = env.RPC_URL ?? local?.rpcUrl;
const operatorKey = env.OPERATOR_KEY ?? local?.operator?.privateKey;
const tournament = env.TOURNAMENT_ADDRESS ?? local?.contracts?.tournament;
if (!rpcUrl || !operatorKey || !tournament) {
  process.stderr.write(
    "worker: set RPC_URL, OPERATOR_KEY and TOURNAMENT_ADDRESS (or run npm start first)\n",
  );
  process.exit(2);
}
const db = await openDb({ url: env.DATABASE_URL, dataDir: join(env.DATA_DIR, "pgdata") });
const log = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
  process.stderr.write(
    `${JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields })}\n`,
  );
const chain = createChain({ rpcUrl, operatorKey, tournament });
const diverged = await chainDivergences(db.db, chain);
if (diverged.length > 0) {
  // Refuse to record more steps against a chain that lost what the database relies on.
  process.stderr.write(`worker: ${describeDivergences(diverged)}\n`);
  await db.close();
  process.exit(1);
}
const worker = startWorker(
  {
    db: db.db,
    chain,
    logger: { info: log("info"), warn: log("warn"), error: log("error") },
    settleBatch: env.SETTLE_BATCH,
    settleGasLimit: env.SETTLE_GAS_LIMIT,
    webhooks: { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE },
  },
  { pollMs: env.WORKER_POLL_MS },
);
log("info")("worker started", { id: worker.id, driver: db.driver });
const stop = async () => {
  await worker.stop();
  await db.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
