import { z } from "@hono/zod-openapi";
import type { DailyScore, Score } from "../../../db";
import { nextCursor } from "../pages";

/** A daily score in ScoreSchema's shape: its projected payout as the payout, nothing settled. */
export const dailyScoreJson = (s: DailyScore) => ({
  round: s.round,
  day: s.day,
  modelId: s.modelId,
  corr: s.corr,
  mmc: s.mmc,
  fnc: s.fnc,
  maxFeatureExposure: null, // daily scores keep CORR, MMC and FNC only
  maxFeature: null,
  stakeAtRisk: s.stakeAtRisk,
  payout: s.projectedPayout,
  settleTx: null,
});

/** A stored score as the routes answer it (ScoreSchema). */
export const scoreJson = (s: Score) => ({
  round: s.round,
  modelId: s.modelId,
  corr: s.corr,
  mmc: s.mmc,
  fnc: s.fnc,
  maxFeatureExposure: s.maxFeatureExposure,
  maxFeature: s.maxFeature,
  stakeAtRisk: s.stakeAtRisk,
  payout: s.payout,
  settleTx: s.settleTx,
});

/** The fields of a page of scores in a route's answer schema: the scores and the next cursor. */
export const scorePageFields = <T extends z.ZodType>(score: T) => ({
  scores: z.array(score),
  nextCursor: z.string().nullable(),
});

/**
 * A page of scores as the routes answer it: the first `limit` of `rows` (fetched with
 * `limit + 1`) as JSON, and the cursor of the next page, `key` of the last row shown, or null.
 */
export function scorePage<R, J>(
  rows: readonly R[],
  limit: number,
  json: (row: R) => J,
  key: (row: R) => string,
) {
  return { scores: rows.slice(0, limit).map(json), nextCursor: nextCursor(rows, limit, key) };
}
