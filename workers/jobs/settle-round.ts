import type { Hash } from "viem";
import {
  type ScoreLeaf,
  type ScoresTree,
  scoresMultiProof,
  scoresRoot,
  scoresTree,
} from "../../contracts/ts/merkle";
import {
  emitEvent,
  getRound,
  markSettled,
  type Round,
  roundScores,
  type Score,
  transitionRound,
  updateRound,
} from "../../db";
import { payoutFactor, toWad } from "../../scoring";
import { type ChainRound, chainRound, revertName, settledModels } from "../chain/rounds";
import { ChainRoundStatus, type JobContext } from "../context";
import { awaitPreviousFinal, recordIfCancelled } from "./score-round";

/** A stored score as its leaf in the scores tree (WAD integers, MMC 0 when absent). */
export const scoreLeaf = (s: Pick<Score, "modelId" | "corr" | "mmc">): ScoreLeaf => ({
  modelId: s.modelId as `0x${string}`,
  corr: toWad(s.corr),
  mmc: toWad(s.mmc ?? 0),
});

/**
 * What the worker posts at resolution, from the round's stored scores (computed on the exact
 * stakes at risk): the scores root, the payout factor, the sum of positive payouts and the
 * number of models with stake at risk (the ones `settle` must cover, R7).
 */
export function resolution(round: Round, scores: Score[]) {
  const total = scores.reduce((a, s) => a + BigInt(s.stakeAtRisk), 0n);
  const atRisk = scores.filter((s) => BigInt(s.stakeAtRisk) > 0n);
  return {
    leaves: scores.map(scoreLeaf),
    scoresRoot: scoresRoot(scores.map(scoreLeaf)),
    payoutFactor: payoutFactor(total, BigInt(round.stakeThreshold)),
    totalPositivePayout: scores.reduce((sum, s) => {
      const p = BigInt(s.payout);
      return p > 0n ? sum + p : sum;
    }, 0n),
    atRisk,
    modelsAtRisk: BigInt(atRisk.length),
  };
}

type Resolution = ReturnType<typeof resolution>;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * A round resolved on chain by an earlier attempt that died before recording it counts as ours
 * only if the chain positively holds what this attempt would have posted.
 */
function checkResolvedAsOurs(n: number, round: Round, on: ChainRound, r: Resolution) {
  const diffs: string[] = [];
  if (!same(on.targetsHash, `0x${round.targetsSha256}`))
    diffs.push(`targets hash ${on.targetsHash}, database 0x${round.targetsSha256}`);
  if (!same(on.scoresRoot, r.scoresRoot))
    diffs.push(`scores root ${on.scoresRoot}, database ${r.scoresRoot}`);
  if (on.payoutFactor !== r.payoutFactor)
    diffs.push(`payout factor ${on.payoutFactor}, database ${r.payoutFactor}`);
  if (on.totalPositivePayout !== r.totalPositivePayout)
    diffs.push(
      `total positive payout ${on.totalPositivePayout}, database ${r.totalPositivePayout}`,
    );
  if (on.modelsAtRisk !== r.modelsAtRisk)
    diffs.push(`models at risk ${on.modelsAtRisk}, database ${r.modelsAtRisk}`);
  if (diffs.length > 0) throw new Error(`round ${n} is resolved on chain with ${diffs.join("; ")}`);
}

/**
 * Sends one settle transaction for `models` (a multiproof of their leaves), split in halves
 * while a batch's gas estimate is above `gasLimit` or cannot be estimated within a block. A
 * contract revert (a real error, not size) is not split: it is thrown. Returns a hash per model.
 */
async function settleFitting(
  ctx: JobContext,
  n: number,
  tree: ScoresTree,
  models: string[],
  gasLimit: bigint | undefined,
  out: { modelIds: string[]; tx: Hash }[],
): Promise<void> {
  const batch = scoresMultiProof(tree, models);
  const args = [BigInt(n), batch.leaves, batch.proof, batch.proofFlags];
  let gas: bigint | undefined;
  try {
    gas = await ctx.chain.estimate("settle", args);
  } catch (err) {
    if (revertName(err) !== undefined || models.length === 1) throw err;
    gas = undefined; // e.g. above the block's gas limit: try smaller batches
  }
  if (gas === undefined || (gasLimit !== undefined && gas > gasLimit)) {
    if (models.length === 1)
      throw new Error(`settling one model needs ${gas} gas, above SETTLE_GAS_LIMIT ${gasLimit}`);
    const half = Math.ceil(models.length / 2);
    ctx.logger.info("settle batch split", { round: n, models: models.length, gas, gasLimit });
    await settleFitting(ctx, n, tree, models.slice(0, half), gasLimit, out);
    await settleFitting(ctx, n, tree, models.slice(half), gasLimit, out);
    return;
  }
  // Headroom over the estimate: the proof's hashing is exact, storage refunds may differ.
  const tx = await ctx.chain.send("settle", args, { gas: gas + gas / 5n });
  out.push({ modelIds: batch.leaves.map((l) => l.modelId), tx });
}

/**
 * Settles a scored round on chain: resolve (targets hash, scores root, payout factor, total
 * positive payout, models at risk) once the round before is final, settle every model with
 * stake at risk in batches of `settleBatch` that fit a block (skipping models the chain already
 * settled, so a retry never repeats one), then finalize. Each step after a crash is taken as
 * done only when the chain positively shows it with this round's figures. The worker never
 * cancels: a round cancelled on chain is recorded as cancelled.
 */
export async function settleRound(ctx: JobContext, payload: { round: number }) {
  const n = payload.round;
  const round = await getRound(ctx.db, n);
  if (!round) throw new Error(`round ${n} not found`);
  if (round.status !== "scored") return;
  if (await recordIfCancelled(ctx, round)) return;
  const scores = await roundScores(ctx.db, n);
  const r = resolution(round, scores);
  const tree = r.leaves.length > 0 ? scoresTree(r.leaves) : null;

  let on = await chainRound(ctx.chain, n);
  if (on.status === ChainRoundStatus.Closed) {
    await awaitPreviousFinal(ctx, n);
    const tx = await ctx.chain.send("resolveRound", [
      BigInt(n),
      `0x${round.targetsSha256}`,
      r.scoresRoot,
      r.payoutFactor,
      r.totalPositivePayout,
      r.modelsAtRisk,
    ]);
    await updateRound(ctx.db, n, { resolveTx: tx, scoresRoot: r.scoresRoot });
    on = await chainRound(ctx.chain, n);
  } else if (on.status >= ChainRoundStatus.Resolved) {
    checkResolvedAsOurs(n, round, on, r);
  } else {
    throw new Error(`round ${n} is not closed on chain (status ${on.status})`);
  }
  if (on.status === ChainRoundStatus.Resolved) {
    const ids = r.atRisk.map((s) => s.modelId);
    const done = await settledModels(ctx.chain, n, ids);
    const pending = ids.filter((id) => !done.has(id.toLowerCase()));
    for (let i = 0; i < pending.length; i += ctx.settleBatch) {
      const sent: { modelIds: string[]; tx: Hash }[] = [];
      await settleFitting(
        ctx,
        n,
        tree!,
        pending.slice(i, i + ctx.settleBatch),
        ctx.settleGasLimit,
        sent,
      );
      for (const s of sent) await markSettled(ctx.db, n, s.modelIds, s.tx);
    }
    // Anyone may finalize a fully settled round: one that got there first is fine.
    const tx = await ctx.chain.send("finalizeRound", [BigInt(n)]).catch(async (err) => {
      if ((await chainRound(ctx.chain, n)).status === ChainRoundStatus.Settled) return "recovered";
      throw err;
    });
    await updateRound(ctx.db, n, { finalizeTx: tx });
  } else if (on.status === ChainRoundStatus.Cancelled) {
    await recordIfCancelled(ctx, round);
    return;
  }
  await updateRound(ctx.db, n, { scoresRoot: r.scoresRoot });
  await transitionRound(ctx.db, n, "scored", "settled");
  ctx.logger.info("round settled", { round: n, models: scores.length });
  await emitEvent(
    ctx.db,
    "round.settled",
    {
      round: n,
      models: scores.length,
      modelsAtRisk: r.atRisk.length,
      scoresRoot: r.scoresRoot,
      payoutFactor: r.payoutFactor.toString(),
      totalPositivePayout: r.totalPositivePayout.toString(),
    },
    `round.settled:${n}`,
  );
}
