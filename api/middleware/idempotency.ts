import type { MiddlewareHandler } from "hono";
import { claimIdempotencyKey, releaseIdempotencyKey, storeIdempotentResponse } from "../../db";
import type { AppEnv } from "../context";
import { sha256Hex } from "../domain/hash";
import { ApiError } from "../errors";

/**
 * `Idempotency-Key` on POSTs: the first request with a key runs and its response is stored; a
 * retry with the same key and the same request gets that response again (header
 * `Idempotency-Replayed: true`); the same key with a different request is a 409.
 * Failed requests (4xx/5xx) release the key so a corrected retry can use it.
 */
export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header("idempotency-key");
  const auth = c.get("auth");
  if (c.req.method !== "POST" || !key || !auth) return next();
  if (key.length > 200)
    throw new ApiError("bad_request", "Idempotency-Key is at most 200 characters");
  const db = c.get("services").db;
  const body = new Uint8Array(await c.req.arrayBuffer());
  const fingerprint = `${c.req.method} ${c.req.path} ${sha256Hex(body)}`;
  const existing = await claimIdempotencyKey(db, auth.account.id, key, fingerprint);
  if (existing) {
    if (existing.fingerprint !== fingerprint) {
      throw new ApiError("conflict", "This Idempotency-Key was used for a different request");
    }
    if (existing.status === null) {
      throw new ApiError("conflict", "A request with this Idempotency-Key is still in progress");
    }
    c.header("Idempotency-Replayed", "true");
    return c.json(existing.body as object, existing.status as 200);
  }
  try {
    await next();
  } catch (err) {
    await releaseIdempotencyKey(db, auth.account.id, key);
    throw err;
  }
  if (c.res.status >= 400 || c.error) {
    await releaseIdempotencyKey(db, auth.account.id, key);
    return;
  }
  const stored = await c.res
    .clone()
    .json()
    .catch(() => null);
  await storeIdempotentResponse(db, auth.account.id, key, c.res.status, stored);
};
