import { scoresTree } from "../../contracts/ts/merkle";
import {
  emitEvent,
  getRound,
  markSettled,
  roundScores,
  transitionRound,
  updateRound,
} from "../../db";
import { toWad } from "../../scoring";
import { chainRoundStatus, settledModels } from "../chain/rounds";
import { ChainRoundStatus, type JobContext } from "../context";

/**
 * Settles a scored round on chain: resolve (targets hash, scores root, total positive payout),
 * settle in batches (skipping models the chain already settled, so a retry never repeats one),
 * then finalize.
 */
export async function settleRound(ctx: JobContext, payload: { round: number }) {
  const n = payload.round;
  const round = await getRound(ctx.db, n);
  if (!round) throw new Error(`round ${n} not found`);
  if (round.status !== "scored") return;
  const scores = await roundScores(ctx.db, n);
  const tree = scoresTree(
    scores.map((s) => ({
      modelId: s.modelId,
      corrWad: toWad(s.corr),
      mmcWad: toWad(s.mmc ?? 0),
      ratioWad: BigInt(s.ratioWad),
      payout: BigInt(s.payout),
    })),
  );
  const totalPositive = scores.reduce((sum, s) => {
    const p = BigInt(s.payout);
    return p > 0n ? sum + p : sum;
  }, 0n);

  let status = await chainRoundStatus(ctx.chain, n);
  if (status === ChainRoundStatus.Closed) {
    const tx = await ctx.chain.send("resolveRound", [
      BigInt(n),
      `0x${round.targetsSha256}`,
      tree.root,
      totalPositive,
    ]);
    await updateRound(ctx.db, n, { resolveTx: tx, scoresRoot: tree.root });
    status = ChainRoundStatus.Resolved;
  }
  if (status === ChainRoundStatus.Resolved) {
    const done = await settledModels(
      ctx.chain,
      n,
      scores.map((s) => s.modelId),
    );
    const pending = scores.filter((s) => !done.has(s.modelId.toLowerCase()));
    for (let i = 0; i < pending.length; i += ctx.settleBatch) {
      const batch = pending.slice(i, i + ctx.settleBatch);
      const tx = await ctx.chain.send("settle", [
        BigInt(n),
        batch.map((s) => s.modelId),
        batch.map((s) => BigInt(s.ratioWad)),
      ]);
      await markSettled(
        ctx.db,
        n,
        batch.map((s) => s.modelId),
        tx,
      );
    }
    const tx = await ctx.chain.send("finalizeRound", [BigInt(n)]);
    await updateRound(ctx.db, n, { finalizeTx: tx });
  }
  await updateRound(ctx.db, n, { scoresRoot: tree.root });
  await transitionRound(ctx.db, n, "scored", "settled");
  ctx.logger.info("round settled", { round: n, models: scores.length });
  await emitEvent(
    ctx.db,
    "round.settled",
    {
      round: n,
      models: scores.length,
      scoresRoot: tree.root,
      totalPositivePayout: totalPositive.toString(),
    },
    `round.settled:${n}`,
  );
}
