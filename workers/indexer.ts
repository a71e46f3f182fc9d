import { decodeEventLog, type Log } from "viem";
import { tournamentAbi } from "../contracts/ts";
import {
  clearModelStakes,
  type Db,
  deleteEventsFrom,
  indexedModels,
  insertChainEvents,
  lockCursor,
  modelHolders,
  modelsWaitingOnRounds,
  type NewChainEvent,
  rebuildStakeViews,
  recordRoundCancelled,
  setCursor,
  setPositionFigures,
  setRequestFigures,
  upsertModelStake,
} from "../db";
import type { Chain } from "./chain/client";

export interface IndexerOptions {
  /** Blocks behind the head that count as final; reorgs deeper than this are not handled. */
  confirmations?: number;
  /** Blocks rewound when a reorg is detected. */
  rewindDepth?: number;
  /** Most blocks read per pass. */
  maxRange?: number;
}

const CURSOR = "tournament";

/** JSON with bigints as decimal strings, addresses and hashes lowercased. */
const encodeArgs = (args: Record<string, unknown>) =>
  JSON.stringify(args, (_k, v) =>
    typeof v === "bigint" ? v.toString() : typeof v === "string" ? v.toLowerCase() : v,
  );

/**
 * One indexing pass: checks the last indexed block is still canonical (else rewinds), reads the
 * tournament's events up to the confirmed head, stores them and refreshes the stake views, all
 * in one transaction with the cursor. Returns how many events it stored (-1 if another indexer
 * held the cursor).
 */
export async function indexOnce(db: Db, chain: Chain, opts: IndexerOptions = {}): Promise<number> {
  const confirmations = opts.confirmations ?? 0;
  const head = Number(await chain.publicClient.getBlockNumber()) - confirmations;
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const cursor = await lockCursor(t, CURSOR);
    if (!cursor) return -1;
    let from = cursor.block + 1;
    let rebuild = false;
    if (cursor.block >= 0) {
      const block = await chain.publicClient
        .getBlock({ blockNumber: BigInt(cursor.block) })
        .catch(() => null);
      if (!block || block.hash !== cursor.blockHash) {
        // Reorg (or a restarted dev chain): forget recent events and read them again.
        from = Math.max(0, cursor.block - (opts.rewindDepth ?? 64));
        await deleteEventsFrom(t, from);
        rebuild = true;
      }
    }
    const to = Math.min(head, from + (opts.maxRange ?? 5_000) - 1);
    if (to < from) {
      if (rebuild) await refresh(t, chain, from - 1, null);
      return 0;
    }
    const logs = await chain.publicClient.getLogs({
      address: chain.tournament,
      fromBlock: BigInt(from),
      toBlock: BigInt(to),
    });
    const rows: NewChainEvent[] = [];
    for (const log of logs) {
      const row = decode(log);
      if (row) rows.push(row);
    }
    await insertChainEvents(t, rows);
    // A round anyone cancelled on chain (R8) is recorded at once, not only when its targets come.
    for (const r of rows)
      if (r.name === "RoundCancelled" && r.roundId != null)
        await recordRoundCancelled(t, r.roundId);
    const touched = new Set(rows.map((r) => r.modelId).filter((m): m is string => !!m));
    // A finalized or cancelled round lets waiting deposits join and requests be released
    // (lazily, without an event of the model's until someone touches it): re-read those models.
    if (rows.some((r) => r.name === "RoundFinalized" || r.name === "RoundCancelled"))
      for (const m of await modelsWaitingOnRounds(t)) touched.add(m);
    if (rebuild) await refresh(t, chain, to, null);
    else if (rows.length > 0) await refresh(t, chain, to, [...touched]);
    else await setCursor(t, CURSOR, to, (await blockAt(chain, to)).hash);
    return rows.length;
  });
}

const blockAt = (chain: Chain, n: number) =>
  chain.publicClient.getBlock({ blockNumber: BigInt(Math.max(0, n)) });

/**
 * Rebuilds the stake views from the stored events and refreshes their figures from chain at
 * block `to`: the `touched` models, or every indexed model (null) after a reorg. Figures come
 * from the contract's views (pools, positions with waiting deposits, requests with their
 * release state), which count due joins and exits as applied.
 */
async function refresh(t: Db, chain: Chain, to: number, touched: string[] | null) {
  await rebuildStakeViews(t, to);
  let models = touched;
  if (models === null) {
    await clearModelStakes(t);
    models = await indexedModels(t);
  }
  const at = BigInt(to);
  for (const modelId of models) {
    const pool = await chain.read<{
      totalAssets: bigint;
      totalShares: bigint;
      waitingAssets: bigint;
      exitingShares: bigint;
    }>("modelStake", [modelId], at);
    const active = pool.totalShares - pool.exitingShares;
    await upsertModelStake(t, {
      modelId,
      totalAssets: pool.totalAssets.toString(),
      totalShares: pool.totalShares.toString(),
      // The value of the shares not requested for unstake, rounded down as the contract does.
      activeAssets: ((active * (pool.totalAssets + 1n)) / (pool.totalShares + 1n)).toString(),
      waitingAssets: pool.waitingAssets.toString(),
      exitingShares: pool.exitingShares.toString(),
      block: to,
    });
    const { stakers, requests } = await modelHolders(t, modelId);
    const details = await Promise.all(
      stakers.map((staker) =>
        chain.read<{
          shares: bigint;
          assets: bigint;
          waitingAssets: bigint;
          waitingUntilRound: bigint;
        }>("positionDetails", [modelId, staker], at),
      ),
    );
    for (const [i, d] of details.entries())
      await setPositionFigures(t, {
        modelId,
        staker: stakers[i]!,
        shares: d.shares.toString(),
        assets: d.assets.toString(),
        waitingAssets: d.waitingAssets.toString(),
        waitingUntilRound: Number(d.waitingUntilRound),
        block: to,
      });
    const open = requests.filter((r) => !r.withdrawn);
    const states = await Promise.all(
      open.map(async (r) => {
        const id = BigInt(r.requestId);
        const [req, withdrawable] = await Promise.all([
          chain.read<{ assets: bigint; withdrawn: boolean }>("unstakeRequest", [id], at),
          chain.read<boolean>("isWithdrawable", [id], at),
        ]);
        return { req, withdrawable };
      }),
    );
    for (const [i, { req, withdrawable }] of states.entries())
      await setRequestFigures(t, {
        requestId: open[i]!.requestId,
        released: withdrawable || req.withdrawn,
        assets: withdrawable || req.assets > 0n ? req.assets.toString() : null,
      });
  }
  await setCursor(t, CURSOR, to, (await blockAt(chain, to)).hash);
}

function decode(log: Log): NewChainEvent | null {
  let decoded: { eventName: string; args: Record<string, unknown> };
  try {
    decoded = decodeEventLog({ abi: tournamentAbi, data: log.data, topics: log.topics }) as never;
  } catch {
    return null;
  }
  const a = decoded.args;
  const account = (a.staker ?? a.from) as string | undefined;
  return {
    block: Number(log.blockNumber),
    blockHash: log.blockHash!,
    txHash: log.transactionHash!,
    logIndex: log.logIndex!,
    name: decoded.eventName,
    modelId: typeof a.modelId === "string" ? a.modelId.toLowerCase() : null,
    account: account ? account.toLowerCase() : null,
    roundId: typeof a.roundId === "bigint" ? Number(a.roundId) : null,
    args: encodeArgs(a),
  };
}
