import { boolean, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestamps } from "./columns";
import { models } from "./models";
import { rounds } from "./rounds";

export const submissions = pgTable(
  "submissions",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    round: integer("round")
      .notNull()
      .references(() => rounds.number),
    /** Canonical content: `id,prediction` rows sorted by id, live ids only. */
    canonicalCsv: text("canonical_csv").notNull(),
    sha256: text("sha256").notNull(),
    /** The latest on-time submission of a model in a round is the one scored. */
    selected: boolean("selected").notNull(),
    late: boolean("late").notNull(),
    ...timestamps,
  },
  (t) => [index("submissions_model_round_idx").on(t.modelId, t.round)],
);

export type Submission = typeof submissions.$inferSelect;
export type NewSubmission = typeof submissions.$inferInsert;
