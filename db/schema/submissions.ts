import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { bytea, timestamps } from "./columns";
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
    /**
     * Canonical content as text: `id,prediction` rows sorted by id, live ids only. Rows stored
     * before migration 0008 have it; the API
     * stores `predictions` instead, from which the same text is rebuilt with the round's ids.
     */
    canonicalCsv: text("canonical_csv"),
    /**
     * Canonical content as numbers: one little-endian float64 per live id in canonical (sorted)
     * order (`encodePredictions`). Stored uncompressed (STORAGE EXTERNAL): random doubles do not
     * compress, and 40 KB of them cost Postgres half the work of 100 KB of lz4-compressed text.
     */
    predictions: bytea("predictions"),
    sha256: text("sha256").notNull(),
    /** The latest on-time submission of a model in a round is the one scored. */
    selected: boolean("selected").notNull(),
    late: boolean("late").notNull(),
    ...timestamps,
  },
  (t) => [
    index("submissions_model_round_idx").on(t.modelId, t.round),
    check(
      "submissions_content_check",
      sql`${t.canonicalCsv} is not null or ${t.predictions} is not null`,
    ),
  ],
);

export type Submission = typeof submissions.$inferSelect;
export type NewSubmission = typeof submissions.$inferInsert;
