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
 * Brings the position and unstake request rows in line with the stored events: one position per
 * (model, staker) that ever staked, one request per UnstakeRequested, withdrawn per Withdrawn.
 * Rows the events no longer hold (a reorg) are dropped; the figures come from chain views
 * (`setPositionFigures`, `setRequestFigures`), since joins and exits apply lazily on chain.
 */
export async function rebuildStakeViews(db: Db, block: number) {
  await db.execute(sql`
    delete from positions p where not exists (
      select 1 from chain_events e
      where e.name = 'Staked' and e.model_id = p.model_id and e.account = p.staker)`);
  await db.execute(sql`
    insert into positions (model_id, staker, shares, assets, block)
    select model_id, account, 0, 0, ${block}
    from chain_events where name = 'Staked'
    group by model_id, account
    on conflict do nothing`);
  await db.execute(sql`
    delete from unstake_requests u where not exists (
      select 1 from chain_events e
      where e.name = 'UnstakeRequested' and (e.args::jsonb->>'requestId')::int = u.request_id)`);
  await db.execute(sql`
    insert into unstake_requests (request_id, model_id, staker, shares, release_round, block)
    select (args::jsonb->>'requestId')::int, model_id, account, (args::jsonb->>'shares')::numeric,
      (args::jsonb->>'releaseRound')::int, block
    from chain_events where name = 'UnstakeRequested'
    on conflict do nothing`);
  await db.execute(sql`
    update unstake_requests u set
      withdrawn = e.assets is not null,
      released = u.released or e.assets is not null,
      withdrawn_assets = e.assets
    from unstake_requests r
    left join (
      select (args::jsonb->>'requestId')::int as request_id, (args::jsonb->>'assets')::numeric as assets
      from chain_events where name = 'Withdrawn'
    ) e on e.request_id = r.request_id
    where r.request_id = u.request_id`);
}

export async function upsertModelStake(
  db: Db,
  row: {
    modelId: string;
    totalAssets: string;
    totalShares: string;
    activeAssets: string;
    waitingAssets: string;
    exitingShares: string;
    block: number;
  },
) {
  const { modelId: _, ...set } = row;
  await db.insert(modelStakes).values(row).onConflictDoUpdate({ target: modelStakes.modelId, set });
}

/** A position's figures as read from chain (`positionDetails`). */
export async function setPositionFigures(
  db: Db,
  row: {
    modelId: string;
    staker: string;
    shares: string;
    assets: string;
    waitingAssets: string;
    waitingUntilRound: number;
    block: number;
  },
) {
  const { modelId, staker, ...set } = row;
  await db
    .update(positions)
    .set(set)
    .where(and(eq(positions.modelId, modelId), eq(positions.staker, staker)));
}

/** A request's release state and amount as read from chain (`unstakeRequest`, `isWithdrawable`). */
export async function setRequestFigures(
  db: Db,
  row: { requestId: number; released: boolean; assets: string | null },
) {
  await db
    .update(unstakeRequests)
    .set({ released: row.released, assets: row.assets })
    .where(eq(unstakeRequests.requestId, row.requestId));
}

/** The stakers of a model (indexed positions) and its requests not withdrawn yet. */
export async function modelHolders(db: Db, modelId: string) {
  const [held, open] = await Promise.all([
    db.select({ staker: positions.staker }).from(positions).where(eq(positions.modelId, modelId)),
    db
      .select({ requestId: unstakeRequests.requestId, withdrawn: unstakeRequests.withdrawn })
      .from(unstakeRequests)
      .where(eq(unstakeRequests.modelId, modelId)),
  ]);
  return { stakers: held.map((h) => h.staker), requests: open };
}

/**
 * Models whose figures a round's finalization (or cancellation) can change without an event of
 * their own: ones with deposits waiting to join or requests not released yet.
 */
export async function modelsWaitingOnRounds(db: Db): Promise<string[]> {
  const rows = await db.execute<{ model_id: string }>(sql`
    select model_id from positions where waiting_until_round > 0 or waiting_assets > 0
    union
    select model_id from unstake_requests where not released and not withdrawn`);
  const list = Array.isArray(rows) ? rows : (rows as { rows: { model_id: string }[] }).rows;
  return list.map((r) => r.model_id);
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
