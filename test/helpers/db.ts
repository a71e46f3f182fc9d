import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type DbHandle, openDb } from "../../db";

export interface DbTarget {
  name: "pglite" | "postgres";
  /** A fresh, migrated, empty database. */
  open(): Promise<DbHandle>;
}

/**
 * The databases a DB suite runs against: PGlite always, and the real Postgres server when
 * TEST_DATABASE_URL is set. Each `open()` gets its own database so suites never share state.
 */
export function dbTargets(): DbTarget[] {
  const targets: DbTarget[] = [{ name: "pglite", open: () => openDb({ dataDir: "memory://" }) }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) targets.push({ name: "postgres", open: () => openFreshPostgres(url) });
  return targets;
}

async function openFreshPostgres(adminUrl: string): Promise<DbHandle> {
  const fresh = await freshPostgres(adminUrl, { max: 5 });
  return { ...fresh.h, close: fresh.drop };
}

/**
 * A fresh database on the Postgres server of `adminUrl`, migrated (as a deployment's Node entry
 * would), with its URL for processes the test starts; `drop()` closes the handle and drops it.
 */
export async function freshPostgres(
  adminUrl: string,
  opts: { max?: number; prefix?: string } = {},
): Promise<{ url: string; h: DbHandle; drop(): Promise<void> }> {
  const name = `${opts.prefix ?? "tourney_test"}_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const h = await openDb({ url: url.toString(), max: opts.max ?? 2 });
  return {
    url: url.toString(),
    h,
    async drop() {
      await h.close();
      const drop = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await drop.unsafe(`drop database if exists ${name} with (force)`);
      await drop.end();
    },
  };
}
