import type { Db } from "../db";
import type { Chain } from "./chain/client";

export interface WorkerLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** What every job handler gets. */
export interface JobContext {
  db: Db;
  chain: Chain;
  logger: WorkerLogger;
  /** Models per settle transaction (SETTLE_BATCH, default 1000). */
  settleBatch: number;
  /**
   * Most gas one settle transaction may use (SETTLE_GAS_LIMIT): a batch whose estimate is above
   * it, or that cannot be estimated within a block, is split in halves until it fits.
   */
  settleGasLimit?: bigint;
  /** Rounds with more submissions than this are scored in parts that workers share (default 1000). */
  scorePartSize?: number;
  /** Aborted when the running job's lease was lost: stop early, nothing will be recorded. */
  signal?: AbortSignal;
  /** Webhook delivery settings (defaults in `webhookSettings`). */
  webhooks?: Partial<WebhookSettings>;
}

export interface WebhookSettings {
  /** Reach private and loopback addresses (the dev stack and tests; never in production). */
  allowPrivate: boolean;
  /** How long a receiver has to answer, ms. */
  timeoutMs: number;
  /** Wait before each retry after a failed attempt, ms; its length is the number of retries. */
  retryScheduleMs: number[];
  /** Deliveries failing for good in a row before the endpoint is disabled. */
  disableAfter: number;
}

/**
 * Standard Webhooks' retry schedule, as Svix runs it: at once, then 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h and 10 h later, about 27.5 hours in all.
 */
export const DEFAULT_RETRY_SCHEDULE_MS = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

export function webhookSettings(ctx: JobContext): WebhookSettings {
  return {
    allowPrivate: false,
    timeoutMs: 10_000,
    retryScheduleMs: DEFAULT_RETRY_SCHEDULE_MS,
    disableAfter: 5,
    ...ctx.webhooks,
  };
}

/** Thrown when a job's preconditions are not met yet: retried soon, without counting as an error. */
export class NotReady extends Error {
  constructor(
    message: string,
    readonly retryInMs = 500,
  ) {
    super(message);
    this.name = "NotReady";
  }
}

/** The contract's round status enum, in declaration order. */
export const ChainRoundStatus = {
  None: 0,
  Open: 1,
  Closed: 2,
  Resolved: 3,
  /** Finalized: every model at risk settled. */
  Settled: 4,
  /** Cancelled once overdue (R8): counts as finalized. */
  Cancelled: 5,
} as const;
