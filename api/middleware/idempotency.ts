import type { MiddlewareHandler } from "hono";
import { claimIdempotencyKey, releaseIdempotencyKey, storeIdempotentResponse } from "../../db";
import type { AppEnv } from "../context";
import { sha256Hex } from "../domain/hash";
import { DomainError } from "../errors";

/**
 * `Idempotency-Key` on POSTs: the first request with a key runs and its response is stored; a
 * retry with the same key and the same request gets that response again (header
 * `Idempotency-Replayed: true`); the same key with a different request is a 409.
 * Failed requests (4xx/5xx) release the key so a corrected retry can use it.
 * The fingerprint covers method, path, query string, content type and body. A claim whose
 * request died without answering (a crashed process) is taken over after two minutes.
 */
/** How long a claim without a response holds its key (a request that takes longer loses it). */
const LEASE_MS = 120_000;

export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header("idempotency-key");
  const auth = c.get("auth");
  if (c.req.method !== "POST" || !key || !auth) return next();
  if (key.length > 200)
    throw new DomainError("bad_request", "Idempotency-Key is at most 200 characters");
  const db = c.get("services").db;
  // The body was read under its route's limit (bodyLimit runs first) and stays cached for the
  // route; an upload's was hashed as it arrived.
  const bodySha256 = c.get("uploadSha256") ?? sha256Hex(new Uint8Array(await c.req.arrayBuffer()));
  const fingerprint = sha256Hex(
    JSON.stringify([
      c.req.method,
      c.req.path,
      new URL(c.req.url).search,
      c.req.header("content-type") ?? "",
      bodySha256,
    ]),
  );
  const existing = await claimIdempotencyKey(db, auth.account.id, key, fingerprint, LEASE_MS);
  if (existing) {
    if (existing.fingerprint !== fingerprint) {
      throw new DomainError("conflict", "This Idempotency-Key was used for a different request", {
        reason: "key_reused",
      });
    }
    if (existing.status === null) {
      c.header("Retry-After", "1");
      throw new DomainError(
        "conflict",
        "A request with this Idempotency-Key is still in progress",
        {
          reason: "in_progress",
        },
      );
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
