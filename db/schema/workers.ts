import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Each running worker's last sign of life, so any API process can report worker health. */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  id: text("id").primaryKey(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  beatAt: timestamp("beat_at", { withTimezone: true }).notNull().defaultNow(),
  jobsDone: integer("jobs_done").notNull().default(0),
});

export type WorkerHeartbeat = typeof workerHeartbeats.$inferSelect;
