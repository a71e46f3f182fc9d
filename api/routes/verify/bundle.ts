import { createRoute, z } from "@hono/zod-openapi";
import {
  type DailyScore,
  type Db,
  getDailyTargets,
  getRound,
  roundDailyScores,
  roundDailyTargets,
  roundScoredSubmissions,
} from "../../../db";
import { liveIndex } from "../../domain/live-cache";
import { storedCanonicalCsv } from "../../domain/submission";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { RoundParam } from "../pages";
import type { OkResponseOf, ParamsOf } from "../types";

export const route = createRoute({
  method: "get",
  path: "/v1/rounds/{number}/bundle",
  tags: ["verify"],
  summary:
    "Everything needed to recompute a resolved round (live ids, targets, submissions, stakes, params)",
  request: { params: RoundParam },
  responses: {
    200: {
      description: "Round bundle (JSON, with a manifest of SHA-256 hashes)",
      content: { "application/json": { schema: z.any() } },
    },
    ...errorResponses(404, 409),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const n = c.req.valid("param").number;
    const db = c.get("services").db;
    const round = await getRound(db, n);
    if (!round) throw new DomainError("not_found", `No round ${n}`);
    // A round cancelled on chain after it was scored keeps its published scores.
    const published =
      round.status === "scored" ||
      round.status === "settled" ||
      (round.status === "cancelled" && (await roundScoredSubmissions(db, n)).length > 0);
    if (!published) {
      throw new DomainError(
        "round_state",
        `Round ${n} is ${round.status}: its bundle is published once it is scored`,
      );
    }
    const [rows, dailyUploads, dailyRows] = await Promise.all([
      roundScoredSubmissions(db, n),
      roundDailyTargets(db, n),
      roundDailyScores(db, n),
    ]);
    const daily = await dailyBundle(db, dailyRows);
    // Other models' predictions are public once the round's delay after resolution has passed.
    const delay = round.predictionsDelaySeconds;
    const publicAt =
      delay === null || !round.resolvedAt
        ? null
        : new Date(round.resolvedAt.getTime() + delay * 1000);
    const now = c.get("services").now?.() ?? new Date();
    const predictionsPublic = publicAt !== null && now >= publicAt;
    // Stored numbers print as CSV beside the round's sorted ids, needed only when published.
    const live = predictionsPublic ? liveIndex(round) : undefined;
    return c.json(
      {
        version: 1,
        round: n,
        status: round.status,
        params: {
          payoutCap: round.payoutCap,
          corrMultiplier: round.corrMultiplier,
          mmcMultiplier: round.mmcMultiplier,
          stakeThreshold: round.stakeThreshold,
          fncFeatures: round.fncFeatures === null ? null : JSON.parse(round.fncFeatures),
        },
        manifest: {
          liveSha256: round.liveSha256,
          targetsSha256: round.targetsSha256,
          submissionsRoot: round.submissionsRoot,
          scoresRoot: round.scoresRoot,
          dailyTargets: dailyUploads.map((u) => ({
            day: u.day,
            sha256: u.targetsSha256,
            uploadedAt: u.createdAt.toISOString(),
            current: daily.some((d) => d.targetsId === u.id),
          })),
        },
        predictions: { public: predictionsPublic, publicAt: publicAt?.toISOString() ?? null },
        transactions: {
          open: round.openTx,
          close: round.closeTx,
          resolve: round.resolveTx,
          finalize: round.finalizeTx,
        },
        live: round.liveCsv,
        targets: round.targetsCsv,
        submissions: rows.map(({ score, submission }) => ({
          modelId: score.modelId,
          submissionId: submission.id,
          sha256: submission.sha256,
          csv: live ? storedCanonicalCsv(submission, live) : null,
        })),
        scores: rows.map(({ score }) => ({
          modelId: score.modelId,
          corr: score.corr,
          mmc: score.mmc,
          fnc: score.fnc,
          maxFeatureExposure: score.maxFeatureExposure,
          maxFeature: score.maxFeature,
          stakeAtRisk: score.stakeAtRisk,
          ratioWad: score.ratioWad,
          payout: score.payout,
        })),
        daily: daily.map(({ targetsId: _, ...d }) => d),
      },
      200,
    );
  });
}

/**
 * A round's daily scores for the bundle: per day, the provisional targets they were scored on
 * (file and SHA-256) and every model's daily scores, so `tourney verify` can recompute them.
 */
async function dailyBundle(db: Db, rows: DailyScore[]) {
  const byUpload = new Map<number, DailyScore[]>();
  for (const r of rows) byUpload.set(r.targetsId, [...(byUpload.get(r.targetsId) ?? []), r]);
  const out = [];
  for (const [targetsId, list] of byUpload) {
    const upload = (await getDailyTargets(db, targetsId))!;
    out.push({
      targetsId,
      day: upload.day,
      targetsSha256: upload.targetsSha256,
      targets: upload.targetsCsv,
      scores: list.map((s) => ({
        modelId: s.modelId,
        corr: s.corr,
        mmc: s.mmc,
        stakeAtRisk: s.stakeAtRisk,
        ratioWad: s.ratioWad,
        projectedPayout: s.projectedPayout,
      })),
    });
  }
  return out.sort((a, b) => a.day - b.day);
}
