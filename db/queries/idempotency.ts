import { and, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type IdempotencyKey, idempotencyKeys } from "../schema";

/**
 * Claims an idempotency key for a request. Returns null when this call claimed it (go ahead),
 * or the existing row (a replay, a conflict or a request still in flight). A claim still
 * without a response after `leaseMs` belongs to a request that died (its process crashed):
 * the next request with the key takes it over. `created_at` is when the key was last claimed.
 */
export async function claimIdempotencyKey(
  db: Db,
  accountId: string,
  key: string,
  fingerprint: string,
  leaseMs = 120_000,
): Promise<IdempotencyKey | null> {
  const staleBefore = new Date(Date.now() - leaseMs);
  const inserted = await db
    .insert(idempotencyKeys)
    .values({ accountId, key, fingerprint })
    .onConflictDoUpdate({
      target: [idempotencyKeys.accountId, idempotencyKeys.key],
      set: { fingerprint, createdAt: sql`now()` },
      setWhere: and(isNull(idempotencyKeys.status), lt(idempotencyKeys.createdAt, staleBefore)),
    })
    .returning({ key: idempotencyKeys.key });
  if (inserted.length === 1) return null;
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key)));
  return row ?? null;
}

export async function storeIdempotentResponse(
  db: Db,
  accountId: string,
  key: string,
  status: number,
  body: unknown,
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ status, body })
    .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key)));
}

/** Forgets a claim whose request failed, so the client can retry with the same key. */
export async function releaseIdempotencyKey(db: Db, accountId: string, key: string) {
  await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key)));
}
