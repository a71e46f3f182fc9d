import type { Account, ApiKey, ApiScope, Db } from "../db";
import type { NonceStore } from "./domain/nonces";
import type { ApiConfig } from "./env";
import type { Logger } from "./logger";

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
