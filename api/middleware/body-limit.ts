import { createHash, type Hash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../context";
import type { ApiConfig } from "../env";
import { DomainError } from "../errors";
import { addressOf } from "./rate-limit";

/**
 * The routes that take files: submissions, diagnostics, a round's live file and its targets, the
 * validation set.
 */
const UPLOADS = [
  /^\/v1\/validation\/?$/,
  /^\/v1\/rounds\/?$/,
  /^\/v1\/rounds\/[^/]+\/resolve\/?$/,
  /^\/v1\/rounds\/[^/]+\/scores\/daily\/?$/,
  /^\/v1\/models\/[^/]+\/(submissions|diagnostics)\/?$/,
];

export const tooLarge = (limit: number) =>
  new DomainError("payload_too_large", `Body exceeds the limit of ${limit} bytes`, { limit });

/** The Node request under the app (@hono/node-server's `env.incoming`); absent on Workers. */
const nodeIncoming = (c: Context<AppEnv>) =>
  (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

/** Body bytes read before the reader lets the event loop serve other requests. */
const YIELD_BYTES = 256 * 1024;

/**
 * Reads a Node request body, counting as it arrives and stopping at `limit`: the bytes, or
 * `tooLarge` with the stream left paused (the answer closes the connection). A declared body is
 * copied chunk by chunk, as it arrives, into a buffer of its length that the result owns, so no
 * big copy runs at the end (concatenating and slicing a 45 MB body took the event loop's thread
 * 100-300 ms); a chunked one, whose length is unknown, is joined once at the end.
 */
function readIncoming(
  incoming: IncomingMessage,
  limit: number,
  declared?: number,
  hash?: Hash,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const into = declared !== undefined ? new Uint8Array(declared) : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let sinceYield = 0;
    let settled = false;
    const done = () => {
      settled = true;
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > (declared ?? limit)) {
        done();
        incoming.pause();
        reject(tooLarge(limit));
        return;
      }
      if (into) into.set(chunk, size);
      else chunks.push(chunk);
      hash?.update(chunk);
      size += chunk.length;
      // A fast sender's chunks can arrive back to back for tens of milliseconds: after each
      // YIELD_BYTES, pause until the loop has served everything else that is ready.
      sinceYield += chunk.length;
      if (sinceYield >= YIELD_BYTES) {
        sinceYield = 0;
        incoming.pause();
        setImmediate(() => {
          if (!settled) incoming.resume();
        });
      }
    };
    const onEnd = () => {
      done();
      if (into && size < into.length) reject(new Error("request body shorter than its length"));
      else resolve(into ?? Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const onAborted = () => onError(new Error("client closed the request"));
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("aborted", onAborted);
  });
}

/**
 * Every request body is read under a limit: MAX_UPLOAD_BYTES on the upload routes,
 * MAX_JSON_BYTES everywhere else. A declared Content-Length over the limit is refused before
 * reading; a chunked body is counted as it streams in and reading stops at the limit (the 413
 * then closes the connection, so the rest is never read). Either way the answer is 413
 * `payload_too_large`.
 *
 * On Node the body is never turned into a Web stream here. An upload route's body, declared or
 * chunked, is read from the Node stream into one buffer (`upload`, see readIncoming); a small
 * body with a declared length is left to the server's direct read, and a small chunked one is
 * read and handed on as a Request. This is the hot path of big uploads: through Web streams
 * (hono/body-limit, used on Workers), a 45 MB upload cost the event loop's thread about 1 s of
 * CPU (`npm run bench:abuse` prints that figure per attack).
 */
export function limitBodies(config: ApiConfig): MiddlewareHandler<AppEnv> {
  const limiter = (max: number, uploads: boolean): MiddlewareHandler<AppEnv> => {
    const web = bodyLimit({
      maxSize: max,
      onError: () => {
        throw tooLarge(max);
      },
    });
    return async (c, next) => {
      const incoming = nodeIncoming(c);
      if (!incoming) return web(c, next);
      if (c.req.method === "GET" || c.req.method === "HEAD") return next();
      const header = c.req.header("content-length");
      const chunked = c.req.header("transfer-encoding") !== undefined;
      const declared = chunked || header === undefined ? undefined : Number(header);
      if (declared !== undefined && declared > max) throw tooLarge(max);
      // Small bodies with a declared length are left to the server's direct read.
      if (!uploads && !chunked) return next();
      let bytes: Uint8Array;
      // An idempotent upload's fingerprint hashes the body as it arrives, not all at once later.
      const hash =
        uploads && c.req.header("idempotency-key") !== undefined ? createHash("sha256") : undefined;
      try {
        bytes = await readIncoming(incoming, max, declared, hash);
      } catch (err) {
        // What the client still sends is not read: the connection closes after the answer.
        c.header("connection", "close");
        throw err;
      }
      if (uploads) {
        // The route reads it with readBody; Hono's own readers (validators, c.req.json()) from
        // its body cache. Nothing may read c.req.raw's body any more.
        c.set("upload", bytes);
        if (hash) c.set("uploadSha256", hash.digest("hex"));
        (c.req.bodyCache as { arrayBuffer?: Promise<ArrayBuffer> }).arrayBuffer = Promise.resolve(
          bytes.buffer as ArrayBuffer,
        );
      } else {
        // A small chunked body, for any reader (the MCP transport reads c.req.raw).
        c.req.raw = new Request(c.req.url, {
          method: c.req.method,
          headers: c.req.raw.headers,
          body: bytes,
        });
      }
      return next();
    };
  };
  const upload = inFlight(config.UPLOADS_IN_FLIGHT, limiter(config.MAX_UPLOAD_BYTES, true));
  const small = limiter(config.MAX_JSON_BYTES, false);
  return (c, next) =>
    (c.req.method === "POST" && UPLOADS.some((r) => r.test(c.req.path)) ? upload : small)(c, next);
}

/** A declared body up to this size never waits for a slot (a submission is about 100 KB). */
const SMALL_UPLOAD = 1024 * 1024;

/**
 * At most `max` big uploads at once per account (per address without a key): a body declared
 * over 1 MB, or chunked (its size unknown). Counted in this process from before the body is
 * read until the answer; another one is 429 `rate_limited` (Retry-After: 1) and its body is not
 * read (the connection closes). Four concurrent 100 MB uploads from one account otherwise kept
 * the event loop's thread reading all four at once. Small declared bodies (a data scientist
 * submitting many models in parallel) are never counted.
 */
function inFlight(max: number, inner: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  const running = new Map<string, number>();
  return async (c, next) => {
    const declared = c.req.header("content-length");
    const chunked = c.req.header("transfer-encoding") !== undefined;
    // Big: chunked or declared over 1 MB (an in-process request without either is not counted).
    const big = chunked || (declared !== undefined && Number(declared) > SMALL_UPLOAD);
    if (!big) return inner(c, next);
    const auth = c.get("auth");
    const who = auth ? `acct:${auth.account.id}` : `ip:${addressOf(c)}`;
    const n = running.get(who) ?? 0;
    if (n >= max) {
      c.header("Retry-After", "1");
      c.header("connection", "close");
      throw new DomainError(
        "rate_limited",
        `Too many uploads at once (at most ${max}); retry when one has finished`,
        { retryAfterSeconds: 1, uploadsInFlight: max },
      );
    }
    running.set(who, n + 1);
    try {
      await inner(c, next);
    } finally {
      const left = (running.get(who) ?? 1) - 1;
      if (left > 0) running.set(who, left);
      else running.delete(who);
    }
  };
}
