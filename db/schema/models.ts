import { index, pgTable, text } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { timestamps } from "./columns";

export const models = pgTable(
  "models",
  {
    /** 0x-prefixed bytes32: the id the staking contract knows the model by. */
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    name: text("name").notNull().unique(),
    ...timestamps,
  },
  (t) => [index("models_account_idx").on(t.accountId)],
);

export type Model = typeof models.$inferSelect;
export type NewModel = typeof models.$inferInsert;
