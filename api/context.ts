import type { Context } from "hono";
import type { Account, ApiKey, ApiScope, Db } from "../db";
import type { NonceStore } from "./domain/nonces";
import type { ApiConfig } from "./env";
import type { RateLimits } from "./limits/rate-limits";
import type { Logger } from "./logger";
import type { Offload } from "./threads/pool";

/** A health check: whether it counts as healthy, and what it saw. */
export type HealthProbe = () => Promise<{ ok: boolean; detail?: unknown }>;

/** What the app needs from the outside world, built once by its entry point. */
export interface AppServices {
  db: Db;
  config: ApiConfig;
  logger: Logger;
  now?: () => Date;
  /** SIWE nonces; the database's `wallet_nonces` table when absent. */
  nonces?: NonceStore;
  /** Rate limiters; counted in this process when absent (`dbRateLimits` shares them). */
  rateLimits?: RateLimits;
  /** The client's address for per-address limits; the socket's (or TRUST_PROXY's) by default. */
  clientAddress?: (c: Context, trustProxy: number) => string | undefined;
  /** Worker threads for CPU-heavy requests (diagnostics); inline when absent. */
  offload?: Offload;
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
  };
};
