import {
  emitEvent,
  getDailyTargets,
  getRound,
  type NewDailyScore,
  saveDailyScores,
  selectedSubmissions,
} from "../../db";
import { scoreRound } from "../../scoring";
import { type JobContext, NotReady } from "../context";
import { roundScoringInput, scoreRows } from "./score-round";

/**
 * Scores every selected submission of a closed round against a day's provisional targets, with
 * the final scoring's own input (stakes at risk, meta model, payout parameters), and stores the
 * results as that day's daily scores. Nothing is settled: the payout is only projected. An
 * upload replaced by a newer one of the same day before it is scored is skipped.
 */
export async function scoreDailyJob(
  ctx: JobContext,
  payload: { round: number; day: number; targetsId: number },
) {
  const n = payload.round;
  const [round, upload] = await Promise.all([
    getRound(ctx.db, n),
    getDailyTargets(ctx.db, payload.targetsId),
  ]);
  if (!round) throw new Error(`round ${n} not found`);
  if (!upload) throw new Error(`daily targets ${payload.targetsId} not found`);
  if (!round.closeTx) throw new NotReady(`round ${n} is not closed on chain yet`);
  const subs = await selectedSubmissions(ctx.db, n);
  const result = scoreRound(await roundScoringInput(ctx, round, subs, upload.targetsCsv));
  const rows: NewDailyScore[] = scoreRows(n, subs, result).map((s) => ({
    round: n,
    day: upload.day,
    targetsId: upload.id,
    modelId: s.modelId,
    submissionId: s.submissionId,
    corr: s.corr,
    mmc: s.mmc,
    fnc: s.fnc,
    stakeAtRisk: s.stakeAtRisk,
    ratioWad: s.ratioWad,
    projectedPayout: s.payout,
  }));
  const saved = await saveDailyScores(ctx.db, upload, rows);
  if (!saved) {
    ctx.logger.info("daily targets superseded", { round: n, day: upload.day, id: upload.id });
    return;
  }
  ctx.logger.info("round daily scored", { round: n, day: upload.day, models: rows.length });
  await emitEvent(
    ctx.db,
    "round.daily_scored",
    { round: n, day: upload.day, targetsSha256: upload.targetsSha256, models: rows.length },
    `round.daily_scored:${n}:${upload.day}:${upload.id}`,
  );
}
