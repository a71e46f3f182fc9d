import type { Db } from "../client";

const cache = new WeakMap<Db, Map<string, unknown>>();

/**
 * A query built and prepared once per database handle, then executed with placeholders: for the
 * few reads every request makes (API key, model, intake round). Drizzle then skips building the
 * SQL text, and Postgres parses and plans the statement once per connection.
 */
export function preparedFor<T>(db: Db, name: string, build: (db: Db, name: string) => T): T {
  let queries = cache.get(db);
  if (!queries) {
    queries = new Map();
    cache.set(db, queries);
  }
  let query = queries.get(name) as T | undefined;
  if (query === undefined) {
    query = build(db, name);
    queries.set(name, query);
  }
  return query;
}

type Row = Record<string, unknown>;
interface PostgresJsClient {
  unsafe(text: string, params: unknown[], opts: { prepare: boolean }): Promise<Row[]>;
}
interface PgliteClient {
  query(text: string, params: unknown[]): Promise<{ rows: Row[] }>;
}

/**
 * Runs a fixed SQL text (`$1`, `$2`... parameters) as a named prepared statement on Postgres, so
 * each connection parses and describes it once and later calls take one round trip (an unnamed
 * statement costs two: Parse/Describe, then Bind/Execute). On PGlite, a plain query.
 */
export async function queryPrepared(db: Db, text: string, params: unknown[]): Promise<Row[]> {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (client && typeof (client as PostgresJsClient).unsafe === "function") {
    return (client as PostgresJsClient).unsafe(text, params, { prepare: true });
  }
  if (client && typeof (client as PgliteClient).query === "function") {
    return (await (client as PgliteClient).query(text, params)).rows;
  }
  throw new Error("queryPrepared: unknown database client");
}
