import { submissionsTree } from "../../contracts/ts/merkle";
import { closeRoundNow, emitEvent, getRound, selectedSubmissions, updateRound } from "../../db";
import { chainRound, chainRoundStatus, nextToClose } from "../chain/rounds";
import { ChainRoundStatus, type JobContext, NotReady } from "../context";

/**
 * Closes a round: stops on-time submissions, commits the Merkle root of the selected submissions
 * on chain, which also fixes which stake is at risk in it (R1). Rounds close on chain in opening
 * order (R3): a round whose predecessor is still open there waits for it.
 */
export async function closeRound(ctx: JobContext, payload: { round: number }) {
  const n = payload.round;
  let round = await getRound(ctx.db, n);
  if (!round) throw new Error(`round ${n} not found`);
  if (round.closeTx) return;
  if (!round.openTx) throw new NotReady(`round ${n} is not open on chain yet`);
  if (round.status === "open") {
    // The one write of a close (POST /v1/rounds/:n/close makes the same): open -> closed now.
    await closeRoundNow(ctx.db, n);
    round = (await getRound(ctx.db, n))!;
  }
  const subs = await selectedSubmissions(ctx.db, n);
  const root = subs.length > 0 ? submissionsTree(subs).root : `0x${"0".repeat(64)}`;
  let tx: string | null = null;
  const status = await chainRoundStatus(ctx.chain, n);
  if (status === ChainRoundStatus.Open) {
    if (!(await nextToClose(ctx.chain, n)))
      throw new NotReady(`round ${n} waits for the rounds opened before it to close`, 1_000);
    tx = await ctx.chain.send("closeRound", [BigInt(n), root]);
  } else {
    // Closed by an earlier attempt that died before recording it: recorded as done only when
    // the chain positively shows it (closed or later, with our root). A round the chain does
    // not know at all means the chain lost its state: never "recover" that.
    if (status === ChainRoundStatus.None) {
      throw new Error(
        `round ${n} is recorded as open on chain but the chain has no such round (it lost its state)`,
      );
    }
    const onChain = (await chainRound(ctx.chain, n)).submissionsRoot.toLowerCase();
    if (onChain !== root.toLowerCase()) {
      throw new Error(`round ${n}: chain has submissions root ${onChain}, database gives ${root}`);
    }
  }
  await updateRound(ctx.db, n, { closeTx: tx ?? "recovered", submissionsRoot: root });
  ctx.logger.info("round closed on chain", { round: n, submissions: subs.length, root, tx });
  await emitEvent(
    ctx.db,
    "round.closed",
    { round: n, submissions: subs.length, submissionsRoot: root, closeTx: tx ?? "recovered" },
    `round.closed:${n}`,
  );
}
