/**
 * The API as a standalone Node server: `npm run api`. Without DATABASE_URL it opens the embedded
 * PGlite database in `$DATA_DIR/pgdata` (default `.tourney/pgdata`), which only one process may open.
 * With DATABASE_URL (Postgres), API_PROCESSES > 1 forks that many server processes sharing the
 * port (node:cluster), each with its own pool of DB_POOL connections: request handling (CSV
 * parsing, hashing) then uses every core. The primary migrates the database once before it
 * forks. On Postgres rate limits are counted in the database, shared by every process.
 *
 * Before listening, each process opens its pool's connections and loads the open round's live
 * index (`warmUp`), so the first submissions after a start do not pay for that.
 *
 * When every process listens, the primary prints one JSON line on stdout:
 * `{"url": "http://127.0.0.1:8787", "processes": 2, "pids": [...]}`.
 */
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { openDb } from "../db";
import { dbNonceStore } from "./domain/nonces";
import { parseApiConfig } from "./env";
import { dbRateLimits } from "./limits/rate-limits";
import { jsonLogger } from "./logger";
import { serveApi } from "./node";

const env = process.env;
const config = parseApiConfig(env);
const logger = jsonLogger(config.LOG_LEVEL);
const url = env.DATABASE_URL;
const wanted =
  env.API_PROCESSES === "auto" ? availableParallelism() : Number(env.API_PROCESSES ?? 1);
const processes = url ? Math.max(1, Math.floor(wanted) || 1) : 1;
if (!url && wanted > 1) logger.warn("API_PROCESSES needs DATABASE_URL (PGlite is one process)");

if (processes > 1 && cluster.isPrimary) {
  // Migrate once, here, before any server process opens the database.
  await (await openDb({ url, max: 1 })).close();
  const pids: number[] = [];
  let listening = 0;
  let address = "";
  let stopping = false;
  for (let i = 0; i < processes; i++) {
    const worker = cluster.fork();
    pids.push(worker.process.pid!);
    worker.on("message", (m: { url?: string }) => {
      if (!m.url) return;
      address = m.url;
      if (++listening === processes) {
        process.stdout.write(`${JSON.stringify({ url: address, processes, pids })}\n`);
      }
    });
  }
  cluster.on("exit", (worker, code) => {
    if (stopping) return;
    logger.error("api process exited", { pid: worker.process.pid, code });
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exitCode = 1;
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} else {
  const pool = url ? (env.DB_POOL ? Number(env.DB_POOL) : 10) : 1;
  const handle = await openDb({
    url,
    dataDir: join(env.DATA_DIR ?? ".tourney", "pgdata"),
    max: pool,
    migrate: !cluster.isWorker,
  });
  const api = await serveApi(
    {
      db: handle.db,
      config,
      logger,
      nonces: dbNonceStore(handle.db, config.SIWE_NONCE_TTL_SECONDS * 1000),
      rateLimits: url ? dbRateLimits(handle.db, config) : undefined,
    },
    { warmConnections: pool },
  );
  if (cluster.isWorker) process.send?.({ url: api.url });
  else
    process.stdout.write(
      `${JSON.stringify({ url: api.url, processes: 1, pids: [process.pid] })}\n`,
    );
  const stop = async () => {
    await api.close();
    await handle.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
