import { decodeEventLog, type Log } from "viem";
import { tournamentAbi } from "../contracts/ts";
import {
  clearModelStakes,
  type Db,
  deleteEventsFrom,
  indexedModels,
  insertChainEvents,
  lockCursor,
  type NewChainEvent,
  rebuildStakeViews,
  revaluePositions,
  setCursor,
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
    const touched = [...new Set(rows.map((r) => r.modelId).filter((m): m is string => !!m))];
    if (rebuild) await refresh(t, chain, to, null);
    else if (rows.length > 0) await refresh(t, chain, to, touched);
    else await setCursor(t, CURSOR, to, (await blockAt(chain, to)).hash);
    return rows.length;
  });
}

const blockAt = (chain: Chain, n: number) =>
  chain.publicClient.getBlock({ blockNumber: BigInt(Math.max(0, n)) });

/**
 * Rebuilds the stake views from the stored events and refreshes model pools from chain at block
 * `to`: the `touched` models, or every indexed model (null) after a reorg.
 */
async function refresh(t: Db, chain: Chain, to: number, touched: string[] | null) {
  await rebuildStakeViews(t, to);
  let models = touched;
  if (models === null) {
    await clearModelStakes(t);
    models = await indexedModels(t);
  }
  for (const modelId of models) {
    const [totalAssets, totalShares, activeAssets] = await chain.read<[bigint, bigint, bigint]>(
      "modelStake",
      [modelId],
      BigInt(to),
    );
    await upsertModelStake(t, {
      modelId,
      totalAssets: totalAssets.toString(),
      totalShares: totalShares.toString(),
      activeAssets: activeAssets.toString(),
      block: to,
    });
  }
  await revaluePositions(t);
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
