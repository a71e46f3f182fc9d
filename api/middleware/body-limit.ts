import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../context";
import type { ApiConfig } from "../env";
import { DomainError } from "../errors";

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

/**
 * Reads a streamed (chunked) Node request body, counting as it arrives and stopping at `limit`:
 * the bytes, or `tooLarge` with the stream left paused (the answer closes the connection).
 */
function readIncoming(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done();
        incoming.pause();
        reject(tooLarge(limit));
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks, size));
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
 * On Node the body is never turned into a Web stream here: a declared body is left to the
 * server's direct read (@hono/node-server reads it from the socket when a route asks), and a
 * chunked one is read from the Node stream and handed on as bytes. This is the hot path of big
 * uploads: through Web streams (hono/body-limit, used on Workers), a 45 MB upload cost the
 * event loop's thread about 1 s of CPU (`npm run bench:abuse` prints that figure per attack).
 */
export function limitBodies(config: ApiConfig): MiddlewareHandler<AppEnv> {
  const limiter = (max: number): MiddlewareHandler<AppEnv> => {
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
      const declared = c.req.header("content-length");
      const chunked = c.req.header("transfer-encoding") !== undefined;
      if (!chunked) {
        if (declared !== undefined && Number(declared) > max) throw tooLarge(max);
        return next();
      }
      let bytes: Uint8Array;
      try {
        bytes = await readIncoming(incoming, max);
      } catch (err) {
        // What the client still sends is not read: the connection closes after the answer.
        c.header("connection", "close");
        throw err;
      }
      c.req.raw = new Request(c.req.url, {
        method: c.req.method,
        headers: c.req.raw.headers,
        body: bytes,
      });
      return next();
    };
  };
  const upload = limiter(config.MAX_UPLOAD_BYTES);
  const small = limiter(config.MAX_JSON_BYTES);
  return (c, next) =>
    (c.req.method === "POST" && UPLOADS.some((r) => r.test(c.req.path)) ? upload : small)(c, next);
}
