import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { chainCursor, chainEvents, modelStakes, positions, unstakeRequests } from "../schema";

export type NewChainEvent = typeof chainEvents.$inferInsert;

/** The indexer's cursor, locked for this transaction; null when another indexer holds it. */
export async function lockCursor(db: Db, id: string) {
  await db.insert(chainCursor).values({ id, block: -1, blockHash: "" }).onConflictDoNothing();
  const rows = await db.execute<Record<string, unknown>>(
    sql`select block, block_hash from chain_cursor where id = ${id} for update skip locked`,
  );
  const list = Array.isArray(rows) ? rows : (rows as { rows: Record<string, unknown>[] }).rows;
  const row = list[0];
  return row ? { block: Number(row.block), blockHash: String(row.block_hash) } : null;
}

export async function setCursor(db: Db, id: string, block: number, blockHash: string) {
  await db.update(chainCursor).set({ block, blockHash }).where(eq(chainCursor.id, id));
}

export async function insertChainEvents(db: Db, rows: NewChainEvent[]) {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insert(chainEvents)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing();
  }
}

/** Forgets events from `block` on (a reorg replaced them). */
export async function deleteEventsFrom(db: Db, block: number) {
  await db.delete(chainEvents).where(gte(chainEvents.block, block));
}

export async function eventsForRound(db: Db, roundId: number) {
  return db
    .select()
    .from(chainEvents)
    .where(eq(chainEvents.roundId, roundId))
    .orderBy(chainEvents.block, chainEvents.logIndex);
}

/**
 * Rebuilds positions and unstake requests from the stored events (event-sourced: shares in
 * from Staked, out from UnstakeRequested; requests from UnstakeRequested and Withdrawn).
 */
export async function rebuildStakeViews(db: Db, block: number) {
  await db.delete(positions);
  await db.execute(sql`
    insert into positions (model_id, staker, shares, assets, block)
    select model_id, account,
      sum(case when name = 'Staked' then (args::jsonb->>'shares')::numeric
               when name = 'UnstakeRequested' then -(args::jsonb->>'shares')::numeric else 0 end),
      0, ${block}
    from chain_events where name in ('Staked', 'UnstakeRequested')
    group by model_id, account`);
  await db.delete(unstakeRequests);
  await db.execute(sql`
    insert into unstake_requests (request_id, model_id, staker, shares, release_round, block)
    select (args::jsonb->>'requestId')::int, model_id, account, (args::jsonb->>'shares')::numeric,
      (args::jsonb->>'releaseRound')::int, block
    from chain_events where name = 'UnstakeRequested'`);
  await db.execute(sql`
    update unstake_requests u set withdrawn = true, withdrawn_assets = (e.args::jsonb->>'assets')::numeric
    from chain_events e
    where e.name = 'Withdrawn' and (e.args::jsonb->>'requestId')::int = u.request_id`);
}

export async function upsertModelStake(
  db: Db,
  row: {
    modelId: string;
    totalAssets: string;
    totalShares: string;
    activeAssets: string;
    block: number;
  },
) {
  await db
    .insert(modelStakes)
    .values(row)
    .onConflictDoUpdate({
      target: modelStakes.modelId,
      set: {
        totalAssets: row.totalAssets,
        totalShares: row.totalShares,
        activeAssets: row.activeAssets,
        block: row.block,
      },
    });
}

/** Position values from their model's pool, with the contract's rounding (down, one virtual share). */
export async function revaluePositions(db: Db) {
  await db.execute(sql`
    update positions p
    set assets = div(p.shares * (m.total_assets + 1), m.total_shares + 1)
    from model_stakes m
    where m.model_id = p.model_id`);
}

/** Every model that appears in the indexed events. */
export async function indexedModels(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ modelId: chainEvents.modelId })
    .from(chainEvents)
    .where(sql`${chainEvents.modelId} is not null`);
  return rows.map((r) => r.modelId!);
}

export async function clearModelStakes(db: Db) {
  await db.delete(modelStakes);
}

export async function stakePositions(db: Db, filter: { staker?: string; modelId?: string }) {
  const conds = [];
  if (filter.staker) conds.push(eq(positions.staker, filter.staker.toLowerCase()));
  if (filter.modelId) conds.push(eq(positions.modelId, filter.modelId.toLowerCase()));
  return db
    .select()
    .from(positions)
    .where(and(...conds))
    .orderBy(positions.modelId, positions.staker);
}

export async function modelStakeRows(db: Db, modelIds: string[]) {
  if (modelIds.length === 0) return [];
  return db.select().from(modelStakes).where(inArray(modelStakes.modelId, modelIds));
}
