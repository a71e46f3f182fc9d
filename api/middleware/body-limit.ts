import type { MiddlewareHandler } from "hono";
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

/**
 * Every request body is read under a limit (hono/body-limit): MAX_UPLOAD_BYTES on the upload
 * routes, MAX_JSON_BYTES everywhere else. A declared Content-Length over the limit is refused
 * before reading; a chunked body is counted as it streams in and reading stops at the limit.
 * Either way the answer is 413 `payload_too_large`.
 */
export function limitBodies(config: ApiConfig): MiddlewareHandler<AppEnv> {
  const limiter = (max: number) =>
    bodyLimit({
      maxSize: max,
      onError: () => {
        throw tooLarge(max);
      },
    });
  const upload = limiter(config.MAX_UPLOAD_BYTES);
  const small = limiter(config.MAX_JSON_BYTES);
  return (c, next) =>
    (c.req.method === "POST" && UPLOADS.some((r) => r.test(c.req.path)) ? upload : small)(c, next);
}
