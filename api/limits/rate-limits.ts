import {
  type RateLimiterAbstract,
  RateLimiterDrizzle,
  RateLimiterMemory,
  RateLimiterRes,
} from "rate-limiter-flexible";
import { type Db, rateLimits } from "../../db";
import type { ApiConfig } from "../env";

/**
 * The API's rate limiters (rate-limiter-flexible): requests per account (every key of an account
 * shares one quota, so minting keys does not multiply it) or per client address without a key,
 * failed authentications per address, and sign-ups per address.
 */
export interface RateLimits {
  requests: RateLimiterAbstract;
  authFailures: RateLimiterAbstract;
  signups: RateLimiterAbstract;
}

interface Limit {
  keyPrefix: string;
  points: number;
  duration: number;
}

const limitsOf = (config: ApiConfig): Record<keyof RateLimits, Limit> => ({
  requests: { keyPrefix: "req", points: config.RATE_LIMIT_PER_MINUTE, duration: 60 },
  authFailures: { keyPrefix: "auth", points: config.AUTH_FAILURES_PER_MINUTE, duration: 60 },
  signups: { keyPrefix: "signup", points: config.SIGNUPS_PER_HOUR, duration: 3600 },
});

/**
 * Counters in this process only (PGlite, which one process opens, and tests). Each bucket
 * expires on its own once its window passes, so old buckets are evicted one by one.
 */
export function memoryRateLimits(config: ApiConfig): RateLimits {
  const l = limitsOf(config);
  return {
    requests: new RateLimiterMemory(l.requests),
    authFailures: new RateLimiterMemory(l.authFailures),
    signups: new RateLimiterMemory(l.signups),
  };
}

/**
 * Counters in the database's `rate_limits` table, shared by every API process (and Workers
 * isolate) on one Postgres database. Should the database not answer, each process falls back to
 * counting in memory rather than failing requests. Expired rows are deleted now and then by
 * processes that can keep a timer (`sweep`; not Workers isolates).
 */
export function dbRateLimits(
  db: Db,
  config: ApiConfig,
  opts: { sweep?: boolean } = {},
): RateLimits {
  const l = limitsOf(config);
  const make = (limit: Limit) =>
    new RateLimiterDrizzle({
      ...limit,
      storeClient: db,
      schema: rateLimits,
      clearExpiredByTimeout: opts.sweep ?? true,
      insuranceLimiter: new RateLimiterMemory(limit),
    });
  return {
    requests: make(l.requests),
    authFailures: make(l.authFailures),
    signups: make(l.signups),
  };
}

/** Consumes a point: null when allowed, else the seconds to wait before retrying. */
export async function consume(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (res) {
    if (res instanceof RateLimiterRes) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    throw res;
  }
}
