import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { timestamps, uint } from "./columns";

/** `cancelled`: cancelled on chain once overdue (anyone may, R8); no scores are settled. */
export type RoundStatus = "open" | "closed" | "resolved" | "scored" | "settled" | "cancelled";

export const rounds = pgTable("rounds", {
  number: integer("number").primaryKey(),
  status: text("status").$type<RoundStatus>().notNull(),
  opensAt: timestamp("opens_at", { withTimezone: true }).notNull(),
  closesAt: timestamp("closes_at", { withTimezone: true }).notNull(),
  resolvesAt: timestamp("resolves_at", { withTimezone: true }).notNull(),
  /** The live file exactly as uploaded, and its SHA-256 (hex). */
  liveCsv: text("live_csv").notNull(),
  liveSha256: text("live_sha256").notNull(),
  targetsCsv: text("targets_csv"),
  targetsSha256: text("targets_sha256"),
  /** Payout parameters, WAD (1e18 = 1) except stakeThreshold which is token wei. */
  payoutCap: uint("payout_cap").notNull(),
  corrMultiplier: uint("corr_multiplier").notNull(),
  mmcMultiplier: uint("mmc_multiplier").notNull(),
  stakeThreshold: uint("stake_threshold").notNull(),
  /**
   * When other models' predictions join the public bundle: seconds after resolution (0: at
   * once); null keeps them private (the bundle then carries only their hashes).
   */
  predictionsDelaySeconds: integer("predictions_delay_seconds").default(0),
  /**
   * The live columns FNC neutralizes against, as a JSON array of names; null: every feature
   * column of the live file. Fixed when the round opens.
   */
  fncFeatures: text("fnc_features"),
  submissionsRoot: text("submissions_root"),
  scoresRoot: text("scores_root"),
  openTx: text("open_tx"),
  closeTx: text("close_tx"),
  resolveTx: text("resolve_tx"),
  finalizeTx: text("finalize_tx"),
  closedAt: timestamp("closed_at", { withTimezone: true }),
  resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  ...timestamps,
});

export type Round = typeof rounds.$inferSelect;
export type NewRound = typeof rounds.$inferInsert;
