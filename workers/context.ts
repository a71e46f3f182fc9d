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
  /** Models per settle transaction. */
  settleBatch: number;
  /** Rounds with more submissions than this are scored in parts that workers share (default 1000). */
  scorePartSize?: number;
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
export const ChainRoundStatus = { None: 0, Open: 1, Closed: 2, Resolved: 3, Settled: 4 } as const;
