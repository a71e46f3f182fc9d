import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";
import { DomainError } from "../errors";
import { consume } from "../limits/rate-limits";

/** The caller's address as the entry point sees it, or "local" without a socket (tests). */
export function addressOf(c: Context<AppEnv>): string {
  const { clientAddress, config } = c.get("services");
  return clientAddress?.(c, config.TRUST_PROXY) ?? "local";
}

function limited(c: Context<AppEnv>, retry: number, what: string): DomainError {
  c.header("Retry-After", String(retry));
  return new DomainError("rate_limited", `Too many ${what}; retry in ${retry}s`, {
    retryAfterSeconds: retry,
  });
}

/**
 * RATE_LIMIT_PER_MINUTE requests per account (all its keys together), or per client address
 * for calls without a key. Runs after `authenticate`.
 */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const auth = c.get("auth");
  const who = auth ? `acct:${auth.account.id}` : `ip:${addressOf(c)}`;
  const retry = await consume(c.get("services").rateLimits!.requests, who);
  if (retry !== null) throw limited(c, retry, "requests");
  await next();
};

/** Counts a failed authentication against the caller's address: 429 once over the limit. */
export async function chargeAuthFailure(c: Context<AppEnv>): Promise<void> {
  const retry = await consume(c.get("services").rateLimits!.authFailures, addressOf(c));
  if (retry !== null) throw limited(c, retry, "failed authentications");
}

/** Counts an account creation against the caller's address (SIGNUPS_PER_HOUR). */
export async function chargeSignup(c: Context<AppEnv>): Promise<void> {
  const retry = await consume(c.get("services").rateLimits!.signups, addressOf(c));
  if (retry !== null) throw limited(c, retry, "sign-ups");
}
