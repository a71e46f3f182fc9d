import { sql } from "drizzle-orm";
import { type Db, rememberedIntakeRound } from "../../db";
import { prepareCsvFast } from "../../formats/csv-canonical";
import { loadLiveIndex } from "./live-cache";
import { readLiveCsv } from "./live-file";

/**
 * What the first submissions after a start would otherwise do while clients wait, done before
 * the server listens: open `connections` pool connections (one query on each at once) and read
 * the intake round with its live index (ids sorted, positions, the CSV fast path's byte table)
 * and its live file for downloads.
 * Nothing here is needed for correctness; a failure is the caller's to log and move past.
 */
export async function warmUp(db: Db, connections: number): Promise<{ round?: number }> {
  await Promise.all(
    Array.from({ length: Math.max(1, connections) }, () => db.execute(sql`select 1`)),
  );
  const round = await rememberedIntakeRound(db);
  if (!round) return {};
  await loadLiveIndex(round, () => readLiveCsv(db, round), prepareCsvFast);
  return { round: round.number };
}
