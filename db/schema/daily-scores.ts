import {
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { timestamps, uint } from "./columns";
import { models } from "./models";
import { rounds } from "./rounds";
import { submissions } from "./submissions";

/**
 * Provisional targets an operator posted for a closed round's day. Every upload is kept (the
 * history with its hash); the newest upload of a (round, day) is the one its daily scores use.
 */
export const dailyTargets = pgTable(
  "daily_targets",
  {
    id: serial("id").primaryKey(),
    round: integer("round")
      .notNull()
      .references(() => rounds.number),
    day: integer("day").notNull(),
    targetsCsv: text("targets_csv").notNull(),
    targetsSha256: text("targets_sha256").notNull(),
    /** When the worker stored the daily scores of this upload (null: queued or superseded). */
    scoredAt: timestamp("scored_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index("daily_targets_round_day_idx").on(t.round, t.day, t.id)],
);

/**
 * One row per model, round and day: the scores against that day's newest provisional targets,
 * with the same metrics, meta model and stakes at risk as the final scoring. Nothing is settled
 * from these; `projectedPayout` is what the round would pay if it resolved on these targets.
 */
export const dailyScores = pgTable(
  "daily_scores",
  {
    round: integer("round")
      .notNull()
      .references(() => rounds.number),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    day: integer("day").notNull(),
    targetsId: integer("targets_id")
      .notNull()
      .references(() => dailyTargets.id),
    submissionId: text("submission_id")
      .notNull()
      .references(() => submissions.id),
    corr: doublePrecision("corr").notNull(),
    mmc: doublePrecision("mmc"),
    fnc: doublePrecision("fnc"),
    stakeAtRisk: uint("stake_at_risk").notNull(),
    ratioWad: uint("ratio_wad").notNull(),
    projectedPayout: uint("projected_payout").notNull(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.round, t.modelId, t.day] }),
    index("daily_scores_model_idx").on(t.modelId, t.round, t.day),
  ],
);

export type DailyTargets = typeof dailyTargets.$inferSelect;
export type DailyScore = typeof dailyScores.$inferSelect;
export type NewDailyScore = typeof dailyScores.$inferInsert;
