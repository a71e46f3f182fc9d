import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";

/**
 * A token bucket per API key (or per client address without one), refilled continuously.
 * In-process: each Node server or Workers isolate keeps its own buckets.
 */
export function rateLimit(perMinute: number): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const rate = perMinute / 60_000;
  return async (c, next) => {
    const who =
      c.get("auth")?.key.id ??
      c.req.header("x-forwarded-for") ??
      c.req.header("cf-connecting-ip") ??
      "anon";
    const now = Date.now();
    const b = buckets.get(who) ?? { tokens: perMinute, at: now };
    b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (b.tokens < 1) {
      const retry = Math.ceil((1 - b.tokens) / rate / 1000);
      c.header("Retry-After", String(retry));
      throw new ApiError("rate_limited", `Too many requests; retry in ${retry}s`);
    }
    b.tokens -= 1;
    buckets.set(who, b);
    if (buckets.size > 100_000) buckets.clear();
    await next();
  };
}
