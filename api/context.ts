import type { Account, ApiKey, ApiScope, Db } from "../db";
import type { ApiConfig } from "./env";
import type { Logger } from "./logger";

export interface HealthProbe {
  /** A short status string and whether it counts as healthy. */
  (): Promise<{ ok: boolean; detail?: unknown }>;
}

/** What the app needs from the outside world, built once by its entry point. */
export interface AppServices {
  db: Db;
  config: ApiConfig;
  logger: Logger;
  now?: () => Date;
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
