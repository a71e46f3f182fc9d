import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestamps, uint } from "./columns";
import { rounds } from "./rounds";

/** A big round's shared scoring inputs, computed once so its parts can be scored in parallel. */
export const roundMeta = pgTable("round_meta", {
  round: integer("round")
    .primaryKey()
    .references(() => rounds.number),
  /** The stake-weighted meta model, `id,prediction` in live-id order, numbers round-tripping exactly. */
  metaCsv: text("meta_csv").notNull(),
  totalStake: uint("total_stake").notNull(),
  parts: integer("parts").notNull(),
  ...timestamps,
});
