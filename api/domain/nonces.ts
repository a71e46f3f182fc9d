import { consumeWalletNonce, type Db, insertWalletNonce } from "../../db";

/**
 * One-time SIWE nonces, each bound to the account it was issued to and valid for a while.
 * An interface so a deployment with several processes (or Workers isolates) can put them in a
 * shared store; the in-memory one suits a single Node server and the tests.
 */
export interface NonceStore {
  /** A fresh nonce for `accountId`, valid until the returned time. */
  issue(accountId: string, now: Date): Promise<{ nonce: string; expiresAt: Date }>;
  /** True once (then forgotten) if `nonce` was issued to `accountId` and has not expired. */
  consume(accountId: string, nonce: string, now: Date): Promise<boolean>;
}

/** 128 random bits as hex: EIP-4361 wants at least 8 alphanumerics. */
function freshNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Nonces in the database (`wallet_nonces`), so any API process or Workers isolate can check a
 * nonce another one issued. Used by the standalone server and the Workers entry.
 */
export function dbNonceStore(db: Db, ttlMs = 10 * 60_000): NonceStore {
  return {
    async issue(accountId, now) {
      const nonce = freshNonce();
      const expiresAt = new Date(now.getTime() + ttlMs);
      await insertWalletNonce(db, nonce, accountId, expiresAt, now);
      return { nonce, expiresAt };
    },
    consume: (accountId, nonce, now) => consumeWalletNonce(db, nonce, accountId, now),
  };
}

/** Nonces in a Map with expiry; expired ones are swept as new ones are issued. */
export function memoryNonceStore(ttlMs = 10 * 60_000, maxEntries = 100_000): NonceStore {
  const nonces = new Map<string, { accountId: string; expiresAt: number }>();
  const sweep = (now: number) => {
    for (const [nonce, entry] of nonces) if (entry.expiresAt <= now) nonces.delete(nonce);
  };
  return {
    async issue(accountId, now) {
      if (nonces.size >= maxEntries) sweep(now.getTime());
      if (nonces.size >= maxEntries) nonces.delete(nonces.keys().next().value!);
      const nonce = freshNonce();
      const expiresAt = now.getTime() + ttlMs;
      nonces.set(nonce, { accountId, expiresAt });
      return { nonce, expiresAt: new Date(expiresAt) };
    },
    async consume(accountId, nonce, now) {
      const entry = nonces.get(nonce);
      if (!entry || entry.accountId !== accountId) return false;
      nonces.delete(nonce);
      return entry.expiresAt > now.getTime();
    },
  };
}
