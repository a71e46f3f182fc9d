import { integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { timestamps } from "./columns";

/** Responses to POSTs sent with an Idempotency-Key, replayed when the same request comes again. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    key: text("key").notNull(),
    /** Method, path and SHA-256 of the body: the same key with another request is refused. */
    fingerprint: text("fingerprint").notNull(),
    /** Null while the first request is still running. */
    status: integer("status"),
    body: jsonb("body"),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] })],
);

export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;
