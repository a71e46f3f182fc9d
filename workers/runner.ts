import { randomBytes } from "node:crypto";
import { z } from "zod";
import {
  claimJob,
  completeJob,
  failJob,
  beat as heartbeat,
  type Job,
  type JobKind,
  type JobPayloads,
  renewJobLease,
} from "../db";
import { type JobContext, NotReady } from "./context";
import { type IndexerOptions, indexOnce } from "./indexer";
import { closeRound } from "./jobs/close-round";
import { diagnosticsJob, prepareValidationJob, warmPreparedEras } from "./jobs/diagnostics";
import { openRound } from "./jobs/open-round";
import { scoreDailyJob } from "./jobs/score-daily";
import { scoreRoundFinishJob, scoreRoundJob, scoreRoundPartJob } from "./jobs/score-round";
import { settleRound } from "./jobs/settle-round";
import { webhookDeliverJob } from "./jobs/webhook-deliver";
import { webhookEventJob } from "./jobs/webhook-event";

/** Webhook deliveries run in a lane of their own: a slow receiver never holds up round jobs. */
const DELIVER = "webhook.deliver" as const;

const roundNumber = z.number().int().positive().max(2_147_483_647);
const roundOnly = z.object({ round: roundNumber });

/** Each job kind's handler. */
export type Handlers = {
  [K in JobKind]: (ctx: JobContext, payload: JobPayloads[K]) => Promise<void>;
};

export const handlers: Handlers = {
  "round.open": openRound,
  "round.close": closeRound,
  "round.score": scoreRoundJob,
  "round.score-part": scoreRoundPartJob,
  "round.score-finish": scoreRoundFinishJob,
  "round.settle": settleRound,
  "round.score-daily": scoreDailyJob,
  "webhook.event": webhookEventJob,
  [DELIVER]: webhookDeliverJob,
  "validation.prepare": prepareValidationJob,
  "diagnostics.run": diagnosticsJob,
};

/** Each job kind's payload schema, checked before its handler runs. */
export const payloadSchemas: { [K in JobKind]: z.ZodType<JobPayloads[K]> } = {
  "round.open": roundOnly,
  "round.close": roundOnly,
  "round.score": roundOnly,
  "round.score-part": z.object({
    round: roundNumber,
    part: z.number().int().min(0),
    parts: z.number().int().positive(),
  }),
  "round.score-finish": roundOnly,
  "round.settle": roundOnly,
  "round.score-daily": z.object({
    round: roundNumber,
    day: z.number().int().positive(),
    targetsId: z.number().int().positive(),
  }),
  "webhook.event": z.object({
    type: z.string().min(1),
    data: z.record(z.string(), z.unknown()),
    eventId: z.string().min(1),
    timestamp: z.string(),
  }),
  [DELIVER]: z.object({ deliveryId: z.string().min(1), attempt: z.number().int().positive() }),
  "validation.prepare": z.object({ setId: z.string().min(1) }),
  "diagnostics.run": z.object({ diagnosticsId: z.string().min(1) }),
};

/** A job that can never succeed (unknown kind, payload not of its kind's shape). */
class BadJob extends Error {}

export interface WorkerOptions {
  /** Idle wait between polls when the queue is empty, ms. */
  pollMs?: number;
  workerId?: string;
  /**
   * A job whose lease was not renewed for this long is taken over (default 60 s); a running job's
   * lease is renewed every third of it.
   */
  staleMs?: number;
  /** Webhook deliveries in flight at once, beside the round jobs (default 4). */
  deliveries?: number;
  /** The handlers (default `handlers`). */
  handlers?: Handlers;
  /** Follow the chain's events into the database every `everyMs` (default on, 1 s). */
  indexer?: (IndexerOptions & { everyMs?: number }) | false;
  /**
   * Read the current validation set's prepared eras back in the background at start-up, so the
   * first diagnostics after a restart start warm (default true).
   */
  warmDiagnostics?: boolean;
}

export interface RunningWorker {
  id: string;
  /** When the loop last completed a poll: a stale value means the worker is stuck or dead. */
  lastBeat(): Date;
  /** Runs jobs until none is ready (tests use this to step the worker deterministically). */
  drain(): Promise<number>;
  /** Settles when the start-up warm-up of the validation eras is over (done, skipped or failed). */
  warmed(): Promise<void>;
  stop(): Promise<void>;
}

async function runHandler(ctx: JobContext, job: Job, registry: Handlers): Promise<void> {
  const kind = job.kind as JobKind;
  const handler = Object.hasOwn(registry, kind)
    ? (registry[kind] as (ctx: JobContext, payload: unknown) => Promise<void>)
    : undefined;
  if (!handler) throw new BadJob(`no handler for job kind '${job.kind}'`);
  const payload = payloadSchemas[kind].safeParse(job.payload);
  if (!payload.success) {
    throw new BadJob(`payload of ${job.kind} is invalid: ${JSON.stringify(job.payload)}`);
  }
  await handler(ctx, payload.data);
}

export interface RunJobOptions {
  /**
   * The lease's stale time (claimJob's `staleMs`): while the handler runs, the lease is renewed
   * every third of it, so a slow job is never taken over while its worker lives.
   */
  staleMs?: number;
  /** The handlers (default `handlers`; tests swap one in). */
  handlers?: Handlers;
}

/**
 * Runs one claimed job, renewing its lease while it runs, then records success, a retry, or a
 * final failure. If the lease is lost (this worker stalled past the stale time and another one
 * took the job), `ctx.signal` aborts and nothing this run found is recorded.
 */
export async function runJob(ctx: JobContext, job: Job, opts: RunJobOptions = {}): Promise<void> {
  const every = Math.max(5, Math.floor((opts.staleMs ?? 60_000) / 3));
  const lost = new AbortController();
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing
      .then(() => renewJobLease(ctx.db, job))
      .then((ok) => {
        if (!ok && !lost.signal.aborted) {
          ctx.logger.warn("job lease lost", { job: job.id, kind: job.kind });
          lost.abort(new Error("lease lost"));
        }
      })
      .catch((err) => ctx.logger.warn("lease renewal failed", { job: job.id, err: String(err) }));
  }, every);
  const stop = async () => {
    clearInterval(timer);
    await renewing;
  };
  const jobCtx = { ...ctx, signal: lost.signal };
  try {
    await runHandler(jobCtx, job, opts.handlers ?? handlers);
    await stop();
    if (!(await completeJob(ctx.db, job))) {
      ctx.logger.warn("job finished after losing its lease; not recorded", { job: job.id });
    }
  } catch (err) {
    await stop();
    if (err instanceof NotReady) {
      // Waiting on an earlier step is not a failure: do not spend an attempt on it.
      await failJob(ctx.db, job, err.message, {
        retryInMs: err.retryInMs,
        countsAsAttempt: false,
      });
      return;
    }
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    ctx.logger.error("job failed", {
      job: job.id,
      kind: job.kind,
      attempt: job.attempts,
      err: message,
    });
    const final = err instanceof BadJob ? { ...job, attempts: job.maxAttempts } : job;
    if (!(await failJob(ctx.db, final, message))) {
      ctx.logger.warn("job failed after losing its lease; not recorded", { job: job.id });
    }
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

  const warmStop = new AbortController();
  const warming =
    opts.warmDiagnostics === false
      ? Promise.resolve()
      : warmPreparedEras(ctx.db, ctx.logger, warmStop.signal).then(
          () => {},
          (err) => ctx.logger.warn("warming validation eras failed", { err: String(err) }),
        );

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
    await runJob(ctx, job, { staleMs: opts.staleMs, handlers: opts.handlers });
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
    const run = runJob(ctx, job, { staleMs: opts.staleMs, handlers: opts.handlers }).finally(() =>
      inFlight.delete(run),
    );
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
    warmed: () => warming,
    async stop() {
      stopping = true;
      wake?.();
      warmStop.abort();
      await Promise.all([loop, deliveryLoop, warming]);
    },
  };
}
