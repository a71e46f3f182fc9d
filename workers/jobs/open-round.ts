import { emitEvent, getRound, type Round, updateRound } from "../../db";
import { chainRound, chainRoundStatus } from "../chain/rounds";
import { ChainRoundStatus, type JobContext } from "../context";

/** Records a new round on chain: its live data hash and payout parameters. */
export async function openRound(ctx: JobContext, payload: { round: number }) {
  const round = await getRound(ctx.db, payload.round);
  if (!round) throw new Error(`round ${payload.round} not found`);
  if (round.openTx) return announce(ctx, round, round.openTx); // a retry after a crash
  let tx: string | null = null;
  if ((await chainRoundStatus(ctx.chain, round.number)) !== ChainRoundStatus.None) {
    // Opened by an earlier attempt that died before recording it: only if it is this round.
    const onChain = (await chainRound(ctx.chain, round.number)).liveDataHash.toLowerCase();
    if (onChain !== `0x${round.liveSha256}`.toLowerCase()) {
      throw new Error(
        `round ${round.number}: chain has live data hash ${onChain}, database gives ${round.liveSha256}`,
      );
    }
  } else {
    tx = await ctx.chain.send("openRound", [
      BigInt(round.number),
      `0x${round.liveSha256}`,
      {
        closesAt: BigInt(Math.floor(round.closesAt.getTime() / 1000)),
        resolvesAt: BigInt(Math.floor(round.resolvesAt.getTime() / 1000)),
        payoutCap: BigInt(round.payoutCap),
        corrMultiplier: BigInt(round.corrMultiplier),
        mmcMultiplier: BigInt(round.mmcMultiplier),
        stakeThreshold: BigInt(round.stakeThreshold),
      },
    ]);
  }
  await updateRound(ctx.db, round.number, { openTx: tx ?? "recovered" });
  ctx.logger.info("round opened on chain", { round: round.number, tx });
  await announce(ctx, round, tx ?? "recovered");
}

/** The `round.opened` webhook event (emitting it twice is one event). */
const announce = (ctx: JobContext, round: Round, tx: string) =>
  emitEvent(
    ctx.db,
    "round.opened",
    {
      round: round.number,
      liveSha256: round.liveSha256,
      closesAt: round.closesAt.toISOString(),
      resolvesAt: round.resolvesAt.toISOString(),
      openTx: tx,
    },
    `round.opened:${round.number}`,
  );
