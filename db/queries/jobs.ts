import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type Job, type JobKind, type JobPayloads, jobs } from "../schema";

export interface EnqueueOptions {
  /** Jobs sharing a key are the same job: enqueueing twice is a no-op. */
  key: string;
  runAt?: Date;
  maxAttempts?: number;
}

export async function enqueueJob<K extends JobKind>(
  db: Db,
  kind: K,
  payload: JobPayloads[K],
  opts: EnqueueOptions,
): Promise<void> {
  await db
    .insert(jobs)
    .values({
      kind,
      key: opts.key,
      payload,
      runAt: opts.runAt ?? new Date(),
      maxAttempts: opts.maxAttempts ?? 10,
    })
    .onConflictDoNothing({ target: jobs.key });
}

/**
 * Claims the oldest ready job with a new lease. Row locks with SKIP LOCKED keep two workers off
 * the same job; a job left `running` is taken over once its lease was last renewed more than
 * `staleMs` ago (its worker died, or stopped renewing: see `renewJobLease`).
 */
export async function claimJob(
  db: Db,
  workerId: string,
  staleMs = 60_000,
  /** Only jobs of kind `is`, or all but kind `not` (a lane of its own, e.g. webhook deliveries). */
  kind: { is?: string; not?: string } = {},
): Promise<Job | null> {
  const staleBefore = new Date(Date.now() - staleMs).toISOString();
  const lane =
    kind.is !== undefined
      ? sql`and kind = ${kind.is}`
      : kind.not !== undefined
        ? sql`and kind <> ${kind.not}`
        : sql``;
  const rows = await db.execute<Record<string, unknown>>(sql`
    update jobs set status = 'running', locked_by = ${workerId}, locked_at = now(),
      lease = ${randomUUID()}, attempts = attempts + 1
    where id = (
      select id from jobs
      where ((status = 'queued' and run_at <= now())
         or (status = 'running' and locked_at < ${staleBefore}::timestamptz))
        ${lane}
      order by run_at, id
      for update skip locked
      limit 1
    )
    returning id`);
  const list = Array.isArray(rows) ? rows : (rows as { rows: Record<string, unknown>[] }).rows;
  const id = list[0]?.id as number | undefined;
  if (id === undefined) return null;
  const [job] = await db.select().from(jobs).where(eq(jobs.id, id));
  return job ?? null;
}

/** The job is still running under this claim's lease (the fence every holder's write checks). */
const held = (job: Job) =>
  and(eq(jobs.id, job.id), eq(jobs.status, "running"), eq(jobs.lease, job.lease ?? ""));

/**
 * Renews the lease of a running job (its worker's heartbeat). False when the lease is gone:
 * another worker took the job over, and this one must not complete or fail it.
 */
export async function renewJobLease(db: Db, job: Job): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ lockedAt: sql`now()` })
    .where(held(job))
    .returning({ id: jobs.id });
  return rows.length === 1;
}

/** Marks the job done; false (and nothing written) when this claim no longer holds its lease. */
export async function completeJob(db: Db, job: Job): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ status: "done", finishedAt: new Date(), lockedBy: null, lease: null, lastError: null })
    .where(held(job))
    .returning({ id: jobs.id });
  return rows.length === 1;
}

export interface FailOptions {
  /** Run again after this long instead of the exponential backoff. */
  retryInMs?: number;
  /** False for "not ready yet": the attempt is given back and the job is never failed for it. */
  countsAsAttempt?: boolean;
}

/**
 * Records a failure: retried later with exponential backoff, or failed for good after
 * `maxAttempts`. False (and nothing written) when this claim no longer holds its lease.
 */
export async function failJob(
  db: Db,
  job: Job,
  error: string,
  opts: FailOptions | number = {},
): Promise<boolean> {
  const { retryInMs, countsAsAttempt = true } =
    typeof opts === "number" ? { retryInMs: opts } : opts;
  const final = countsAsAttempt && job.attempts >= job.maxAttempts;
  const backoff = retryInMs ?? Math.min(60_000, 250 * 2 ** (job.attempts - 1));
  const rows = await db
    .update(jobs)
    .set({
      status: final ? "failed" : "queued",
      lastError: error.slice(0, 4000),
      lockedBy: null,
      lease: null,
      runAt: new Date(Date.now() + backoff),
      finishedAt: final ? new Date() : null,
      ...(countsAsAttempt ? {} : { attempts: sql`greatest(${jobs.attempts} - 1, 0)` }),
    })
    .where(held(job))
    .returning({ id: jobs.id });
  return rows.length === 1;
}

export async function listJobs(db: Db, status?: Job["status"]): Promise<Job[]> {
  const q = db.select().from(jobs);
  return status ? q.where(eq(jobs.status, status)).orderBy(jobs.id) : q.orderBy(jobs.id);
}

/** Moves a queued job's run time (e.g. an operator closing a round early). */
export async function rescheduleJob(db: Db, key: string, runAt: Date): Promise<void> {
  await db
    .update(jobs)
    .set({ runAt })
    .where(and(eq(jobs.key, key), eq(jobs.status, "queued")));
}
