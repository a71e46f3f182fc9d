import { doublePrecision, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestamps, uint } from "./columns";
import { models } from "./models";
import { rounds } from "./rounds";
import { submissions } from "./submissions";

/** One row per model per round: its scores, stake at risk and payout (token wei, signed). */
export const scores = pgTable(
  "scores",
  {
    round: integer("round")
      .notNull()
      .references(() => rounds.number),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    submissionId: text("submission_id")
      .notNull()
      .references(() => submissions.id),
    corr: doublePrecision("corr").notNull(),
    mmc: doublePrecision("mmc"),
    fnc: doublePrecision("fnc"),
    /** Largest |Pearson(predictions, feature)| over the live features, and that feature. */
    maxFeatureExposure: doublePrecision("max_feature_exposure"),
    maxFeature: text("max_feature"),
    stakeAtRisk: uint("stake_at_risk").notNull(),
    ratioWad: uint("ratio_wad").notNull(),
    payout: uint("payout").notNull(),
    settleTx: text("settle_tx"),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.round, t.modelId] })],
);

export type Score = typeof scores.$inferSelect;
export type NewScore = typeof scores.$inferInsert;
