import type { Context } from "hono";
import type { Account, ApiKey, ApiScope } from "../db";
import type { NonceStore } from "./domain/nonces";
import type { DomainServices } from "./domain/services";
import type { RateLimits } from "./limits/rate-limits";
import type { Logger } from "./logger";

/** A health check: whether it counts as healthy, and what it saw. */
export type HealthProbe = () => Promise<{ ok: boolean; detail?: unknown }>;

/** What the app needs from the outside world, built once by its entry point. */
export interface AppServices extends DomainServices {
  logger: Logger;
  /** SIWE nonces; the database's `wallet_nonces` table when absent. */
  nonces?: NonceStore;
  /** Rate limiters; counted in this process when absent (`dbRateLimits` shares them). */
  rateLimits?: RateLimits;
  /** The client's address for per-address limits; the socket's (or TRUST_PROXY's) by default. */
  clientAddress?: (c: Context, trustProxy: number) => string | undefined;
  /** Extra health checks (chain, worker) supplied by whoever runs the stack. */
  probes?: Record<string, HealthProbe>;
}

export interface AuthInfo {
  account: Account;
  key: ApiKey;
  scopes: ApiScope[];
}

export type AppEnv = {
  Variables: {
    services: AppServices;
    requestId: string;
    auth?: AuthInfo;
    /**
     * An upload route's body on Node, read by the body limit into one buffer it owns (see
     * `limitBodies`); `readBody` hands it on without another copy.
     */
    upload?: Uint8Array;
    /** That body's SHA-256 (hex), hashed as it arrived, when the request has an Idempotency-Key. */
    uploadSha256?: string;
  };
};
