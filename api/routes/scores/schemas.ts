import { z } from "@hono/zod-openapi";
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

export const badCursor = () => new DomainError("validation_failed", "Invalid cursor");
