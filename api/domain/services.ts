import type { Db } from "../../db";
import type { ApiConfig } from "../env";
import type { Offload } from "../threads/pool";
import type { NonceStore } from "./nonces";

/**
 * What domain actions are given: plain values, no HTTP. The app's services (api/context.ts)
 * are one of these; the CLI's dev stack, tests and benches build their own. Each action takes
 * the few it needs (a `Pick` of this).
 */
export interface DomainServices {
  db: Db;
  config: ApiConfig;
  /** The clock; `new Date()` when absent. */
  now?: () => Date;
  /** Worker threads for CPU-heavy uploads; inline when absent. */
  offload?: Offload;
  /** SIWE nonces (wallet links). */
  nonces?: NonceStore;
}

/** The services' time now. */
export const clock = (s: Pick<DomainServices, "now">): Date => s.now?.() ?? new Date();
