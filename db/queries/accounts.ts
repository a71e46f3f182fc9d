import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { isUniqueViolation } from "../errors";
import { newId } from "../ids";
import { type Account, type ApiKey, type ApiScope, accounts, apiKeys } from "../schema";
import { preparedFor } from "./prepared";

/** SHA-256 hex of an API key secret: how keys are stored and looked up. */
export const hashKey = (secret: string) => createHash("sha256").update(secret).digest("hex");

export interface CreatedKey {
  key: ApiKey;
  /** The secret, shown once: only its hash is stored. */
  secret: string;
}

export async function createApiKey(
  db: Db,
  accountId: string,
  scopes: ApiScope[],
): Promise<CreatedKey> {
  const secret = `tny_${randomBytes(24).toString("base64url")}`;
  const [key] = await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      accountId,
      hash: hashKey(secret),
      prefix: secret.slice(0, 8),
      scopes,
    })
    .returning();
  return { key: key!, secret };
}

/** Creates an account and its first key in one transaction. */
export async function createAccount(
  db: Db,
  name: string,
  scopes: ApiScope[] = ["read", "submit"],
): Promise<{ account: Account } & CreatedKey> {
  return db.transaction(async (tx) => {
    const [account] = await tx
      .insert(accounts)
      .values({ id: newId("acc"), name })
      .returning();
    const created = await createApiKey(tx as unknown as Db, account!.id, scopes);
    return { account: account!, ...created };
  });
}

/** The live (not revoked) key with this secret, with its account. */
const activeKeyByHash = (db: Db, name: string) =>
  db
    .select({ key: apiKeys, account: accounts })
    .from(apiKeys)
    .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
    .where(and(eq(apiKeys.hash, sql.placeholder("hash")), isNull(apiKeys.revokedAt)))
    .limit(1)
    .prepare(name);

export async function findActiveKey(db: Db, secret: string) {
  const query = preparedFor(db, "find_active_key", activeKeyByHash);
  const rows = await query.execute({ hash: hashKey(secret) });
  return rows[0];
}

/**
 * Revokes one of the account's live keys, only if its scopes are all within `withScopes` (the
 * caller's): "missing" for no such live key, "forbidden" for a key with more scopes.
 */
export async function revokeApiKey(
  db: Db,
  accountId: string,
  keyId: string,
  withScopes: readonly ApiScope[],
): Promise<"revoked" | "missing" | "forbidden"> {
  const live = and(
    eq(apiKeys.id, keyId),
    eq(apiKeys.accountId, accountId),
    isNull(apiKeys.revokedAt),
  );
  const [key] = await db.select({ scopes: apiKeys.scopes }).from(apiKeys).where(live);
  if (!key) return "missing";
  if (key.scopes.some((s) => !withScopes.includes(s))) return "forbidden";
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(live)
    .returning({ id: apiKeys.id });
  return rows.length === 1 ? "revoked" : "missing";
}

/**
 * Links `address` (lower case) to the account. False when another account holds it: the unique
 * index decides, so of two accounts racing for one wallet exactly one wins.
 */
export async function linkWallet(db: Db, accountId: string, address: string): Promise<boolean> {
  try {
    await db.update(accounts).set({ walletAddress: address }).where(eq(accounts.id, accountId));
    return true;
  } catch (err) {
    if (isUniqueViolation(err, "accounts_wallet_address_idx")) return false;
    throw err;
  }
}
