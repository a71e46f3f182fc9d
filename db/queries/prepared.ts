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
