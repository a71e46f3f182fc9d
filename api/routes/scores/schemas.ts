import { z } from "@hono/zod-openapi";
import type { DailyScore, Score } from "../../../db";
import { DomainError } from "../../errors";
export const ScoreSchema = z
  .object({
    round: z.number(),
    modelId: z.string(),
    corr: z.number(),
    mmc: z.number().nullable(),
    fnc: z.number().nullable(),
    maxFeatureExposure: z.number().nullable().openapi({
      description: "largest |Pearson(predictions, feature)| over the round's live features",
    }),
    maxFeature: z.string().nullable(),
    stakeAtRisk: z.string().openapi({ description: "token wei" }),
    payout: z.string().openapi({ description: "token wei; negative = burnt" }),
    settleTx: z.string().nullable(),
  })
  .openapi("Score");

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

export const badCursor = () => new DomainError("validation_failed", "Invalid cursor");
