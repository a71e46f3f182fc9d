import { and, asc, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  accounts,
  apiKeys,
  modelStakes,
  positions,
  type Score,
  scores,
  submissions,
  unstakeRequests,
} from "../schema";

/** Keyset pages: ask for `limit + 1` rows; the extra one says whether there is a next page. */
export interface PageOptions<C> {
  cursor?: C;
  limit: number;
}

const submissionMeta = {
  id: submissions.id,
  modelId: submissions.modelId,
  round: submissions.round,
  sha256: submissions.sha256,
  selected: submissions.selected,
  late: submissions.late,
  createdAt: submissions.createdAt,
};

/** A model's submissions, newest first (ids sort by creation), after cursor id `cursor`. */
export async function modelSubmissionsPage(db: Db, modelId: string, page: PageOptions<string>) {
  const where = page.cursor
    ? and(eq(submissions.modelId, modelId), lt(submissions.id, page.cursor))
    : eq(submissions.modelId, modelId);
  return db
    .select(submissionMeta)
    .from(submissions)
    .where(where)
    .orderBy(desc(submissions.id))
    .limit(page.limit);
}

/** One submission's metadata (not its content). */
export async function submissionMetaById(db: Db, modelId: string, id: string) {
  const [row] = await db
    .select(submissionMeta)
    .from(submissions)
    .where(and(eq(submissions.id, id), eq(submissions.modelId, modelId)));
  return row;
}

/** A round's scores by model id, after model id `cursor`. */
export async function roundScoresPage(
  db: Db,
  round: number,
  page: PageOptions<string>,
): Promise<Score[]> {
  const where = page.cursor
    ? and(eq(scores.round, round), gt(scores.modelId, page.cursor))
    : eq(scores.round, round);
  return db.select().from(scores).where(where).orderBy(asc(scores.modelId)).limit(page.limit);
}

/** A model's scores, newest round first, before round `cursor`. */
export async function modelScoresPage(
  db: Db,
  modelId: string,
  page: PageOptions<number>,
): Promise<Score[]> {
  const where =
    page.cursor !== undefined
      ? and(eq(scores.modelId, modelId), lt(scores.round, page.cursor))
      : eq(scores.modelId, modelId);
  return db.select().from(scores).where(where).orderBy(desc(scores.round)).limit(page.limit);
}

/** An account's API keys, newest first: ids, prefixes and scopes, never the hashes. */
export async function accountKeys(db: Db, accountId: string) {
  return db
    .select({
      id: apiKeys.id,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.accountId, accountId))
    .orderBy(desc(apiKeys.id));
}

/** A staker's indexed positions and unstake requests (addresses are stored lowercase). */
export async function stakerStakes(db: Db, staker: string) {
  const address = staker.toLowerCase();
  const [held, requests] = await Promise.all([
    db
      .select()
      .from(positions)
      .where(eq(positions.staker, address))
      .orderBy(asc(positions.modelId)),
    db
      .select()
      .from(unstakeRequests)
      .where(eq(unstakeRequests.staker, address))
      .orderBy(asc(unstakeRequests.requestId)),
  ]);
  const ids = [...new Set(held.map((p) => p.modelId))];
  const pools =
    ids.length === 0
      ? []
      : await db.select().from(modelStakes).where(inArray(modelStakes.modelId, ids));
  return { positions: held, unstakeRequests: requests, pools };
}

/** A model's indexed pool, its stakers' positions and its unstake requests. */
export async function modelStakeView(db: Db, modelId: string) {
  const id = modelId.toLowerCase();
  const [pool, held, requests] = await Promise.all([
    db.select().from(modelStakes).where(eq(modelStakes.modelId, id)),
    db.select().from(positions).where(eq(positions.modelId, id)).orderBy(asc(positions.staker)),
    db
      .select()
      .from(unstakeRequests)
      .where(eq(unstakeRequests.modelId, id))
      .orderBy(asc(unstakeRequests.requestId)),
  ]);
  return { pool: pool[0], positions: held, unstakeRequests: requests };
}

/** The account a wallet address is linked to, if any (compared case-insensitively). */
export async function accountIdByWallet(db: Db, address: string) {
  const [row] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(sql`lower(${accounts.walletAddress}) = ${address.toLowerCase()}`)
    .limit(1);
  return row?.id;
}
