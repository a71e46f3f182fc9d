import { z } from "@hono/zod-openapi";
import { MAX_DAY } from "../../domain/daily-scores";

export { json } from "../types";

export const Day = z.coerce.number().int().min(1).max(MAX_DAY);

export const DailyTargetsPosted = z
  .object({
    round: z.number(),
    day: z.number(),
    targetsSha256: z.string(),
    replaced: z
      .boolean()
      .openapi({ description: "an earlier upload of this day existed (kept in the history)" }),
    uploadedAt: z.string(),
  })
  .openapi("DailyTargetsPosted");

export const DailyDay = z
  .object({
    day: z.number(),
    corr: z.number(),
    mmc: z.number().nullable(),
    fnc: z.number().nullable(),
    stakeAtRisk: z.string().openapi({ description: "token wei" }),
    projectedPayout: z
      .string()
      .openapi({ description: "token wei if the round resolved on these targets; not settled" }),
  })
  .openapi("DailyDay");

export const ModelDailyScores = z
  .object({
    modelId: z.string(),
    round: z.number().nullable().openapi({ description: "null: the model has no daily scores" }),
    days: z.array(DailyDay),
  })
  .openapi("ModelDailyScores");
