import { index, integer, jsonb, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { timestamps } from "./columns";

export type JobStatus = "queued" | "running" | "done" | "failed";

/** Each job kind's payload: what `enqueueJob` takes and the worker's handler receives. */
export interface JobPayloads {
  "round.open": { round: number };
  "round.close": { round: number };
  "round.score": { round: number };
  "round.score-part": { round: number; part: number; parts: number };
  "round.score-finish": { round: number };
  "round.settle": { round: number };
  "round.score-daily": { round: number; day: number; targetsId: number };
  "webhook.event": {
    type: string;
    data: Record<string, unknown>;
    eventId: string;
    timestamp: string;
  };
  "webhook.deliver": { deliveryId: string; attempt: number };
  "validation.prepare": { setId: string };
  "diagnostics.run": { diagnosticsId: string };
}
export type JobKind = keyof JobPayloads;

/** Background work, claimed with FOR UPDATE SKIP LOCKED so several workers can share it. */
export const jobs = pgTable(
  "jobs",
  {
    id: serial("id").primaryKey(),
    kind: text("kind").notNull(),
    /** Jobs with the same key are one job: enqueueing it again is a no-op. */
    key: text("key").notNull().unique(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<JobStatus>().notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(10),
    runAt: timestamp("run_at", { withTimezone: true }).notNull().defaultNow(),
    lockedBy: text("locked_by"),
    /** When the holder last renewed its lease (claimed, or heartbeat while running). */
    lockedAt: timestamp("locked_at", { withTimezone: true }),
    /**
     * Fencing token, new at every claim: only the holder of the current lease may renew,
     * complete or fail the job, so a worker that lost its lease cannot overwrite the result.
     */
    lease: text("lease"),
    lastError: text("last_error"),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index("jobs_ready_idx").on(t.status, t.runAt)],
);

export type Job = typeof jobs.$inferSelect;
