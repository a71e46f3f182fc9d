import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The one database type the rest of the code sees, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface DbHandle {
  db: Db;
  driver: "pglite" | "postgres";
  /** The connection string, for Postgres. */
  url?: string;
  close(): Promise<void>;
}

/** Where the committed migrations are (computed on use: Workers have no file URLs at import). */
export const migrationsFolder = () => join(dirname(fileURLToPath(import.meta.url)), "migrations");

export interface OpenDbOptions {
  /** postgres://... for a real server; absent for embedded PGlite. */
  url?: string;
  /** PGlite data folder; `memory://` keeps it in memory. Default `.tourney/pgdata`. */
  dataDir?: string;
  /** Run migrations before returning (default true). */
  migrate?: boolean;
  /** Pool size for the postgres driver. */
  max?: number;
}

/**
 * Opens the database: real Postgres when a URL is given, else embedded PGlite in a data folder.
 * Same schema, same queries, same migrations on both.
 */
export async function openDb(opts: OpenDbOptions = {}): Promise<DbHandle> {
  const handle = opts.url ? await openPostgres(opts.url, opts.max) : await openPglite(opts.dataDir);
  if (opts.migrate ?? true) await runMigrations(handle);
  return handle;
}

/**
 * Postgres only, without migrations. The Workers entries use this rather than `openDb`: nothing
 * then reaches PGlite, so the bundler leaves it (and its WebAssembly loader) out of their bundles.
 */
export async function openPostgres(url: string, max = 10): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const sql = postgres(url, { max, onnotice: () => {} });
  const db = drizzle(sql, { schema }) as unknown as Db;
  return { db, driver: "postgres", url, close: () => sql.end({ timeout: 5 }) };
}

async function openPglite(dataDir = ".tourney/pgdata"): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { mkdirSync } = await import("node:fs");
  if (!dataDir.startsWith("memory://")) mkdirSync(resolve(dataDir), { recursive: true });
  const client = new PGlite(dataDir.startsWith("memory://") ? undefined : resolve(dataDir));
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, driver: "pglite", close: () => client.close() };
}

/** The advisory lock every migrating process takes first (any fixed 64-bit number). */
const MIGRATION_LOCK = 7_290_143_001;

async function runMigrations(handle: DbHandle): Promise<void> {
  if (handle.driver === "postgres") {
    // Several processes starting at once on one fresh database (API_PROCESSES, workers) would
    // otherwise create the same types and tables concurrently. One session holds the lock and
    // migrates; the others wait for it, then find nothing left to do.
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const sql = postgres(handle.url!, { max: 1, onnotice: () => {} });
    try {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migrate(drizzle(sql), { migrationsFolder: migrationsFolder() });
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    } finally {
      await sql.end({ timeout: 5 });
    }
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants its driver's own db type
    await migrate(handle.db as any, { migrationsFolder: migrationsFolder() });
  }
}
