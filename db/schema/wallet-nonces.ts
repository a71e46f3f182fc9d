import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";

/**
 * One-time SIWE nonces, shared by every API process (and Workers isolate): issued to an
 * account, consumed (deleted) by the wallet link that uses it, or swept once expired.
 */
export const walletNonces = pgTable(
  "wallet_nonces",
  {
    nonce: text("nonce").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("wallet_nonces_expires_idx").on(t.expiresAt)],
);
