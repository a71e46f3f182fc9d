import { z } from "@hono/zod-openapi";
import type { RoundSummary } from "../../../db";

/** A round's state, in the order a round goes through them. */
export const RoundStatusSchema = z.enum([
  "open",
  "closed",
  "resolved",
  "scored",
  "settled",
  "cancelled",
]);

export const RoundSchema = z
  .object({
    number: z.number().int(),
    status: RoundStatusSchema,
    opensAt: z.string(),
    closesAt: z.string(),
    resolvesAt: z.string(),
    liveSha256: z.string(),
    targetsSha256: z.string().nullable(),
    payout: z.object({
      payoutCap: z.string().openapi({ description: "WAD (1e18 = 100%)" }),
      corrMultiplier: z.string(),
      mmcMultiplier: z.string(),
      stakeThreshold: z.string().openapi({ description: "token wei" }),
    }),
    fncFeatures: z.array(z.string()).nullable().openapi({
      description: "the live columns FNC neutralizes against; null: every feature column",
    }),
    submissionsRoot: z.string().nullable(),
    scoresRoot: z.string().nullable(),
    transactions: z.object({
      open: z.string().nullable(),
      close: z.string().nullable(),
      resolve: z.string().nullable(),
      finalize: z.string().nullable(),
    }),
  })
  .openapi("Round");

export function roundJson(r: RoundSummary) {
  return {
    number: r.number,
    status: r.status,
    opensAt: r.opensAt.toISOString(),
    closesAt: r.closesAt.toISOString(),
    resolvesAt: r.resolvesAt.toISOString(),
    liveSha256: r.liveSha256,
    targetsSha256: r.targetsSha256,
    payout: {
      payoutCap: r.payoutCap,
      corrMultiplier: r.corrMultiplier,
      mmcMultiplier: r.mmcMultiplier,
      stakeThreshold: r.stakeThreshold,
    },
    fncFeatures: r.fncFeatures === null ? null : (JSON.parse(r.fncFeatures) as string[]),
    submissionsRoot: r.submissionsRoot,
    scoresRoot: r.scoresRoot,
    transactions: {
      open: r.openTx,
      close: r.closeTx,
      resolve: r.resolveTx,
      finalize: r.finalizeTx,
    },
  };
}
