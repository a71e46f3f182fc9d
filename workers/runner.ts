import { randomBytes } from "node:crypto";
import { claimJob, completeJob, failJob, beat as heartbeat, type Job } from "../db";
import { type JobContext, NotReady } from "./context";
import { type IndexerOptions, indexOnce } from "./indexer";
import { closeRound } from "./jobs/close-round";
import { openRound } from "./jobs/open-round";
import { scoreDailyJob } from "./jobs/score-daily";
import { scoreRoundFinishJob, scoreRoundJob, scoreRoundPartJob } from "./jobs/score-round";
import { settleRound } from "./jobs/settle-round";
import { webhookDeliverJob } from "./jobs/webhook-deliver";
import { webhookEventJob } from "./jobs/webhook-event";

/** Webhook deliveries run in a lane of their own: a slow receiver never holds up round jobs. */
const DELIVER = "webhook.deliver";

type Handler = (ctx: JobContext, payload: { round: number }) => Promise<void>;

/** Job kinds and their handlers. */
export const handlers: Record<string, Handler> = {
  "round.open": openRound,
  "round.close": closeRound,
  "round.score": scoreRoundJob,
  "round.score-part": scoreRoundPartJob as Handler,
  "round.score-finish": scoreRoundFinishJob,
  "round.settle": settleRound,
  "round.score-daily": scoreDailyJob as Handler,
  "webhook.event": webhookEventJob as unknown as Handler,
  [DELIVER]: webhookDeliverJob as unknown as Handler,
};

export interface WorkerOptions {
  /** Idle wait between polls when the queue is empty, ms. */
  pollMs?: number;
  workerId?: string;
  /** A job left running this long by a worker that died is taken over (default 60 s). */
  staleMs?: number;
  /** Webhook deliveries in flight at once, beside the round jobs (default 4). */
  deliveries?: number;
  /** Follow the chain's events into the database every `everyMs` (default on, 1 s). */
  indexer?: (IndexerOptions & { everyMs?: number }) | false;
}

export interface RunningWorker {
  id: string;
  /** When the loop last completed a poll: a stale value means the worker is stuck or dead. */
  lastBeat(): Date;
  /** Runs jobs until none is ready (tests use this to step the worker deterministically). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/** Runs one claimed job, recording success, a retry, or a final failure. */
export async function runJob(ctx: JobContext, job: Job): Promise<void> {
  const handler = handlers[job.kind];
  try {
    if (!handler) throw new Error(`no handler for job kind '${job.kind}'`);
    await handler(ctx, job.payload as { round: number });
    await completeJob(ctx.db, job);
  } catch (err) {
    if (err instanceof NotReady) {
      // Waiting on an earlier step is not a failure: do not spend an attempt on it.
      await failJob(ctx.db, { ...job, attempts: 0 }, err.message, err.retryInMs);
      return;
    }
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    ctx.logger.error("job failed", {
      job: job.id,
      kind: job.kind,
      attempt: job.attempts,
      err: message,
    });
    await failJob(ctx.db, job, message);
  }
}

/** Starts the polling loop. */
export function startWorker(ctx: JobContext, opts: WorkerOptions = {}): RunningWorker {
  const id = opts.workerId ?? `w_${randomBytes(4).toString("hex")}`;
  const pollMs = opts.pollMs ?? 250;
  let beat = new Date();
  let written = 0;
  let jobsDone = 0;
  let stopping = false;
  let wake: (() => void) | null = null;

  const indexer = opts.indexer === false ? null : { everyMs: 1_000, ...opts.indexer };
  let indexedAt = 0;
  const index = async () => {
    if (!indexer || Date.now() - indexedAt < indexer.everyMs) return;
    indexedAt = Date.now();
    try {
      await indexOnce(ctx.db, ctx.chain, indexer);
    } catch (err) {
      ctx.logger.warn("indexer pass failed", { err: String(err) });
    }
  };

  const step = async (): Promise<boolean> => {
    await index();
    if (Date.now() - written > 2_000) {
      await heartbeat(ctx.db, id, jobsDone);
      written = Date.now();
    }
    const job = await claimJob(ctx.db, id, opts.staleMs, { not: DELIVER });
    beat = new Date();
    if (!job) return false;
    await runJob(ctx, job);
    jobsDone++;
    return true;
  };

  // The delivery lane: up to `deliveries` attempts in flight, each bounded by its timeout.
  const maxDeliveries = opts.deliveries ?? 4;
  const inFlight = new Set<Promise<void>>();
  const deliverStep = async (): Promise<boolean> => {
    if (inFlight.size >= maxDeliveries) return false;
    const job = await claimJob(ctx.db, id, opts.staleMs, { is: DELIVER });
    if (!job) return false;
    const run = runJob(ctx, job).finally(() => inFlight.delete(run));
    inFlight.add(run);
    jobsDone++;
    return true;
  };
  const deliveryLoop = (async () => {
    while (!stopping) {
      let worked = false;
      try {
        worked = await deliverStep();
      } catch (err) {
        ctx.logger.warn("delivery poll failed", { err: String(err) });
      }
      if (!worked && !stopping) await new Promise((r) => setTimeout(r, pollMs));
    }
    await Promise.all(inFlight);
  })();

  const loop = (async () => {
    while (!stopping) {
      let worked = false;
      try {
        worked = await step();
      } catch (err) {
        ctx.logger.warn("worker poll failed", { err: String(err) });
      }
      if (!worked && !stopping) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, pollMs);
        });
      }
    }
  })();

  return {
    id,
    lastBeat: () => beat,
    async drain() {
      let n = 0;
      for (;;) {
        let worked = false;
        while (await step()) {
          n++;
          worked = true;
        }
        while (await deliverStep()) {
          n++;
          worked = true;
        }
        await Promise.all(inFlight);
        if (!worked) return n;
      }
    },
    async stop() {
      stopping = true;
      wake?.();
      await Promise.all([loop, deliveryLoop]);
    },
  };
}
