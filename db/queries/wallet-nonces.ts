import { and, eq, lte } from "drizzle-orm";
import type { Db } from "../client";
import { walletNonces } from "../schema";

/** Stores a nonce for `accountId` until `expiresAt`, sweeping expired ones now and then. */
export async function insertWalletNonce(
  db: Db,
  nonce: string,
  accountId: string,
  expiresAt: Date,
  now: Date,
): Promise<void> {
  await db.insert(walletNonces).values({ nonce, accountId, expiresAt });
  // About one issue in 64 clears expired rows, so the table stays small without a job.
  if (Math.random() < 1 / 64) {
    await db.delete(walletNonces).where(lte(walletNonces.expiresAt, now));
  }
}

/** Deletes the nonce if it was issued to `accountId` and is still valid at `now`: true once. */
export async function consumeWalletNonce(
  db: Db,
  nonce: string,
  accountId: string,
  now: Date,
): Promise<boolean> {
  const rows = await db
    .delete(walletNonces)
    .where(and(eq(walletNonces.nonce, nonce), eq(walletNonces.accountId, accountId)))
    .returning({ expiresAt: walletNonces.expiresAt });
  return rows.length === 1 && rows[0]!.expiresAt.getTime() > now.getTime();
}
