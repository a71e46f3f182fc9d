import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type DailyScore, dailyScores, dailyTargets, type NewDailyScore } from "../schema";
import type { PageOptions } from "./api-reads";
import { enqueueJob } from "./jobs";

/**
 * Stores an upload of provisional targets for a round's day and queues its scoring, atomically.
 * Earlier uploads of the same day stay in the history; `replaced` says whether there was one.
 */
export async function addDailyTargets(
  db: Db,
  input: { round: number; day: number; targetsCsv: string; targetsSha256: string },
): Promise<{ id: number; replaced: boolean; createdAt: Date }> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [prior] = await t
      .select({ id: dailyTargets.id })
      .from(dailyTargets)
      .where(and(eq(dailyTargets.round, input.round), eq(dailyTargets.day, input.day)))
      .limit(1);
    const [row] = await t.insert(dailyTargets).values(input).returning();
    await enqueueJob(
      t,
      "round.score-daily",
      { round: input.round, day: input.day, targetsId: row!.id },
      { key: `round.score-daily:${input.round}:${input.day}:${row!.id}` },
    );
    return { id: row!.id, replaced: prior !== undefined, createdAt: row!.createdAt };
  });
}

export async function getDailyTargets(db: Db, id: number) {
  const [row] = await db.select().from(dailyTargets).where(eq(dailyTargets.id, id));
  return row;
}

/** Every upload of a round's provisional targets, by day then upload order (no file contents). */
export async function roundDailyTargets(db: Db, round: number) {
  return db
    .select({
      id: dailyTargets.id,
      day: dailyTargets.day,
      targetsSha256: dailyTargets.targetsSha256,
      scoredAt: dailyTargets.scoredAt,
      createdAt: dailyTargets.createdAt,
    })
    .from(dailyTargets)
    .where(eq(dailyTargets.round, round))
    .orderBy(asc(dailyTargets.day), asc(dailyTargets.id));
}

/**
 * Replaces a day's daily scores with those of upload `targetsId`, unless a newer upload of the
 * same day exists (then nothing is written and false is returned). Writers of one (round, day)
 * serialise on its first upload's row, so an older upload scored late never overwrites a newer.
 */
export async function saveDailyScores(
  db: Db,
  target: { id: number; round: number; day: number },
  rows: NewDailyScore[],
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const sameDay = and(eq(dailyTargets.round, target.round), eq(dailyTargets.day, target.day));
    await t
      .select({ id: dailyTargets.id })
      .from(dailyTargets)
      .where(sameDay)
      .orderBy(asc(dailyTargets.id))
      .limit(1)
      .for("update");
    const [latest] = await t
      .select({ id: dailyTargets.id })
      .from(dailyTargets)
      .where(sameDay)
      .orderBy(desc(dailyTargets.id))
      .limit(1);
    if (latest?.id !== target.id) return false;
    await t
      .delete(dailyScores)
      .where(and(eq(dailyScores.round, target.round), eq(dailyScores.day, target.day)));
    for (let i = 0; i < rows.length; i += 500) {
      await t.insert(dailyScores).values(rows.slice(i, i + 500));
    }
    await t
      .update(dailyTargets)
      .set({ scoredAt: sql`now()` })
      .where(eq(dailyTargets.id, target.id));
    return true;
  });
}

/** A round's daily scores of one day by model id, after model id `cursor`. */
export async function roundDailyScoresPage(
  db: Db,
  round: number,
  day: number,
  page: PageOptions<string>,
): Promise<DailyScore[]> {
  const base = and(eq(dailyScores.round, round), eq(dailyScores.day, day));
  const where = page.cursor ? and(base, gt(dailyScores.modelId, page.cursor)) : base;
  return db
    .select()
    .from(dailyScores)
    .where(where)
    .orderBy(asc(dailyScores.modelId))
    .limit(page.limit);
}

/** Every daily score of a round, by day then model id (the round bundle). */
export async function roundDailyScores(db: Db, round: number): Promise<DailyScore[]> {
  return db
    .select()
    .from(dailyScores)
    .where(eq(dailyScores.round, round))
    .orderBy(asc(dailyScores.day), asc(dailyScores.modelId));
}

/** A model's daily scores in a round, by day. */
export async function modelDailyScores(
  db: Db,
  modelId: string,
  round: number,
): Promise<DailyScore[]> {
  return db
    .select()
    .from(dailyScores)
    .where(and(eq(dailyScores.modelId, modelId), eq(dailyScores.round, round)))
    .orderBy(asc(dailyScores.day));
}

/** The newest round in which a model has daily scores, if any. */
export async function latestDailyRound(db: Db, modelId: string): Promise<number | undefined> {
  const [row] = await db
    .select({ round: dailyScores.round })
    .from(dailyScores)
    .where(eq(dailyScores.modelId, modelId))
    .orderBy(desc(dailyScores.round))
    .limit(1);
  return row?.round;
}
