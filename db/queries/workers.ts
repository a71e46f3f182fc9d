import { desc, gt } from "drizzle-orm";
import type { Db } from "../client";
import { type WorkerHeartbeat, workerHeartbeats } from "../schema";

export async function beat(db: Db, id: string, jobsDone: number): Promise<void> {
  await db
    .insert(workerHeartbeats)
    .values({ id, jobsDone })
    .onConflictDoUpdate({ target: workerHeartbeats.id, set: { beatAt: new Date(), jobsDone } });
}

/** Workers seen within the last `withinMs`. */
export async function liveWorkers(db: Db, withinMs = 15_000): Promise<WorkerHeartbeat[]> {
  return db
    .select()
    .from(workerHeartbeats)
    .where(gt(workerHeartbeats.beatAt, new Date(Date.now() - withinMs)))
    .orderBy(desc(workerHeartbeats.beatAt));
}
