import {
  canonicalIdOrder,
  type Db,
  emitEvent,
  enqueueJob,
  getRound,
  getRoundMeta,
  type NewScore,
  type Round,
  recordRoundCancelled,
  roundMeta,
  roundScores,
  type Submission,
  saveScores,
  selectedSubmissions,
  transitionRound,
} from "../../db";
import { parseCsvFrame, parseIdValueCsv, parseLiveIds } from "../../formats";
import {
  type ModelRoundScore,
  type PayoutParams,
  prepareRound,
  roundFeatures,
  roundMetaModel,
  scoreRound,
  scoreRoundPart,
} from "../../scoring";
import { chainRoundStatus, previousRoundFinal, stakesAtRisk } from "../chain/rounds";
import { ChainRoundStatus, type JobContext, NotReady } from "../context";
import { submissionPredictions } from "./tables";

/** The round's live ids and its submissions with their stakes at risk, as the scorer takes them. */
function scorerSubmissions(round: Round, subs: Submission[], stakes: readonly bigint[]) {
  const liveIds = parseLiveIds(round.liveCsv);
  const sorted = canonicalIdOrder(liveIds); // the order stored predictions are in
  return {
    liveIds,
    submissions: subs.map((s, i) => {
      const p = submissionPredictions(s, sorted);
      return { modelId: s.modelId, ids: p.ids, predictions: p.values, stakeAtRisk: stakes[i]! };
    }),
  };
}

/**
 * FNC and exposure inputs of a round: its live file's feature columns, FNC against the
 * operator's `fncFeatures` (all of them by default). Nothing when the live file has only ids.
 */
async function liveFeatures(round: Round) {
  const live = await parseCsvFrame(round.liveCsv, `round ${round.number} live file`);
  const names = round.fncFeatures === null ? null : (JSON.parse(round.fncFeatures) as string[]);
  return roundFeatures(live, names) ?? {};
}

const paramsOf = (round: Round): PayoutParams => ({
  payoutCap: BigInt(round.payoutCap),
  corrMultiplier: BigInt(round.corrMultiplier),
  mmcMultiplier: BigInt(round.mmcMultiplier),
  stakeThreshold: BigInt(round.stakeThreshold),
});

/**
 * Stakes at risk of the submissions' models in a round: the chain's (exact once the round
 * before is finalized on chain, an estimate at the current price before: R2), or, once the
 * round is scored, the exact figures stored with its scores (the chain no longer serves them
 * after settlement).
 */
async function roundStakes(ctx: JobContext, round: Round, subs: Submission[]) {
  if (round.status === "scored" || round.status === "settled") {
    const stored = new Map((await roundScores(ctx.db, round.number)).map((s) => [s.modelId, s]));
    if (subs.every((s) => stored.has(s.modelId)))
      return subs.map((s) => BigInt(stored.get(s.modelId)!.stakeAtRisk));
  }
  return stakesAtRisk(
    ctx.chain,
    round.number,
    subs.map((s) => s.modelId),
  );
}

/**
 * What the scorer takes for a closed round against a targets file: its live ids, the selected
 * submissions with their stakes at risk, and its payout parameters. The final scoring and the
 * daily scoring both score this, so they agree on everything but targets (and on the stakes
 * once they are exact).
 */
export async function roundScoringInput(
  ctx: JobContext,
  round: Round,
  subs: Submission[],
  targetsCsv: string,
) {
  const stakes = await roundStakes(ctx, round, subs);
  const targets = parseIdValueCsv(targetsCsv);
  return {
    ...scorerSubmissions(round, subs, stakes),
    targets: { ids: targets.ids, values: targets.values },
    ...(await liveFeatures(round)),
    params: paramsOf(round),
  };
}

export const scoreRows = (
  n: number,
  subs: Submission[],
  result: Map<string, ModelRoundScore>,
): NewScore[] =>
  subs.map((s) => {
    const r = result.get(s.modelId)!;
    return {
      round: n,
      modelId: s.modelId,
      submissionId: s.id,
      corr: r.corr,
      mmc: r.mmc ?? null,
      fnc: r.fnc ?? null,
      maxFeatureExposure: r.maxFeatureExposure ?? null,
      maxFeature: r.maxFeature ?? null,
      stakeAtRisk: r.stakeAtRisk.toString(),
      ratioWad: r.ratioWad.toString(),
      payout: r.payout.toString(),
    };
  });

async function markScored(db: Db, n: number) {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (await transitionRound(t, n, "resolved", "scored")) {
      await enqueueJob(t, "round.settle", { round: n }, { key: `round.settle:${n}` });
      await emitEvent(t, "round.scored", { round: n }, `round.scored:${n}`);
    }
  });
}

/**
 * A round cancelled on chain (R8: anyone may, once it is overdue) is recorded as such and gets
 * no scores or settlement from the worker. True when it was.
 */
export async function recordIfCancelled(ctx: JobContext, round: Round): Promise<boolean> {
  if ((await chainRoundStatus(ctx.chain, round.number)) !== ChainRoundStatus.Cancelled)
    return false;
  if (await recordRoundCancelled(ctx.db, round.number))
    ctx.logger.warn("round cancelled on chain", { round: round.number });
  return true;
}

/**
 * Waits (NotReady) until the round before `n` is finalized or cancelled on chain: only then are
 * the stakes at risk in `n` exact (R2) and can `n` be resolved (R3).
 */
export async function awaitPreviousFinal(ctx: JobContext, n: number) {
  if (!(await previousRoundFinal(ctx.chain, n)))
    throw new NotReady(
      `round ${n} waits for the round before it to be finalized on chain (its stakes at risk are exact only then)`,
      1_000,
    );
}

/**
 * Scores every selected submission of a resolved round against its targets, with the
 * stake-weighted meta model and the round's payout parameters, and stores the results. It runs
 * once the round before is final on chain, so the stakes at risk (meta model weights, payout
 * factor, payouts) are the exact figures the contract settles with. A round with more
 * submissions than `scorePartSize` is split: this job computes the meta model and the total
 * stake once, then queues parts that any worker can take, and a job that finishes the round.
 */
export async function scoreRoundJob(ctx: JobContext, payload: { round: number }) {
  const n = payload.round;
  const round = await getRound(ctx.db, n);
  if (!round) throw new Error(`round ${n} not found`);
  if (round.status !== "resolved") return;
  if (!round.closeTx) throw new NotReady(`round ${n} is not closed on chain yet`);
  if (await recordIfCancelled(ctx, round)) return;
  await awaitPreviousFinal(ctx, n);
  const subs = await selectedSubmissions(ctx.db, n);
  const input = await roundScoringInput(ctx, round, subs, round.targetsCsv!);
  const partSize = ctx.scorePartSize ?? 1000;
  if (subs.length <= partSize) {
    const rows = scoreRows(n, subs, scoreRound(input));
    await saveScores(ctx.db, rows);
    await markScored(ctx.db, n);
    ctx.logger.info("round scored", { round: n, models: rows.length });
    return;
  }
  const { columns, stakes: weights, totalStake } = prepareRound(input);
  const meta = roundMetaModel(input.liveIds, columns, weights);
  let metaCsv = "id,prediction\n";
  for (let i = 0; i < meta.ids.length; i++) metaCsv += `${meta.ids[i]},${meta.values[i]}\n`;
  const parts = Math.ceil(subs.length / partSize);
  await ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t
      .insert(roundMeta)
      .values({ round: n, metaCsv, totalStake: totalStake.toString(), parts })
      .onConflictDoNothing();
    for (let k = 0; k < parts; k++) {
      await enqueueJob(
        t,
        "round.score-part",
        { round: n, part: k, parts },
        { key: `round.score-part:${n}:${k}` },
      );
    }
    await enqueueJob(t, "round.score-finish", { round: n }, { key: `round.score-finish:${n}` });
  });
  ctx.logger.info("round split for scoring", { round: n, models: subs.length, parts });
}

/** Scores one part of a split round (a slice of its submissions, ordered by model id). */
export async function scoreRoundPartJob(
  ctx: JobContext,
  payload: { round: number; part: number; parts: number },
) {
  const n = payload.round;
  const round = await getRound(ctx.db, n);
  if (round?.status !== "resolved") return;
  const meta = await getRoundMeta(ctx.db, n);
  if (!meta) throw new Error(`round ${n} has no scoring inputs`);
  const all = await selectedSubmissions(ctx.db, n);
  const size = Math.ceil(all.length / payload.parts);
  const subs = all.slice(payload.part * size, (payload.part + 1) * size);
  const stakes = await stakesAtRisk(
    ctx.chain,
    n,
    subs.map((s) => s.modelId),
  );
  const targets = parseIdValueCsv(round.targetsCsv!);
  const metaModel = parseIdValueCsv(meta.metaCsv);
  const result = scoreRoundPart({
    ...scorerSubmissions(round, subs, stakes),
    targets: { ids: targets.ids, values: targets.values },
    metaModel: { ids: metaModel.ids, values: metaModel.values },
    ...(await liveFeatures(round)),
    totalStake: BigInt(meta.totalStake),
    params: paramsOf(round),
  });
  await saveScores(ctx.db, scoreRows(n, subs, result));
}

/** Marks a split round scored once every part has stored its scores. */
export async function scoreRoundFinishJob(ctx: JobContext, payload: { round: number }) {
  const n = payload.round;
  const round = await getRound(ctx.db, n);
  if (round?.status !== "resolved") return;
  const [subs, scored] = await Promise.all([
    selectedSubmissions(ctx.db, n),
    roundScores(ctx.db, n),
  ]);
  if (scored.length < subs.length) {
    throw new NotReady(`round ${n}: ${scored.length} of ${subs.length} models scored`, 250);
  }
  await markScored(ctx.db, n);
  ctx.logger.info("round scored", { round: n, models: scored.length });
}
