import {
  enqueueJob,
  getRound,
  type NewScore,
  saveScores,
  selectedSubmissions,
  transitionRound,
} from "../../db";
import { scoreRound } from "../../scoring";
import { stakesAtRisk } from "../chain/rounds";
import { type JobContext, NotReady } from "../context";
import { parseIdValueCsv, parseLiveIds } from "./tables";

/**
 * Scores every selected submission of a resolved round against its targets, with the
 * stake-weighted meta model and the round's payout parameters, and stores the results.
 */
export async function scoreRoundJob(ctx: JobContext, payload: { round: number }) {
  const n = payload.round;
  const round = await getRound(ctx.db, n);
  if (!round) throw new Error(`round ${n} not found`);
  if (round.status !== "resolved") return;
  if (!round.closeTx) throw new NotReady(`round ${n} is not closed on chain yet`);
  const subs = await selectedSubmissions(ctx.db, n);
  const stakes = await stakesAtRisk(
    ctx.chain,
    n,
    subs.map((s) => s.modelId),
  );
  const targets = parseIdValueCsv(round.targetsCsv!);
  const result = scoreRound({
    liveIds: parseLiveIds(round.liveCsv),
    targets: { ids: targets.ids, values: targets.values },
    submissions: subs.map((s, i) => {
      const p = parseIdValueCsv(s.canonicalCsv);
      return { modelId: s.modelId, ids: p.ids, predictions: p.values, stakeAtRisk: stakes[i]! };
    }),
    params: {
      payoutCap: BigInt(round.payoutCap),
      corrMultiplier: BigInt(round.corrMultiplier),
      mmcMultiplier: BigInt(round.mmcMultiplier),
      stakeThreshold: BigInt(round.stakeThreshold),
    },
  });
  const rows: NewScore[] = subs.map((s, i) => {
    const r = result.get(s.modelId)!;
    return {
      round: n,
      modelId: s.modelId,
      submissionId: s.id,
      corr: r.corr,
      mmc: r.mmc ?? null,
      fnc: r.fnc ?? null,
      stakeAtRisk: stakes[i]!.toString(),
      ratioWad: r.ratioWad.toString(),
      payout: r.payout.toString(),
    };
  });
  await ctx.db.transaction(async (tx) => {
    const t = tx as unknown as typeof ctx.db;
    await saveScores(t, rows);
    await transitionRound(t, n, "resolved", "scored");
    await enqueueJob(t, "round.settle", { round: n }, { key: `round.settle:${n}` });
  });
  ctx.logger.info("round scored", { round: n, models: rows.length });
}
