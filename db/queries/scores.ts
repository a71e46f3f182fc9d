import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type NewScore, type Score, scores } from "../schema";

/** Stores a round's scores in one transaction; re-scoring replaces them. */
export async function saveScores(db: Db, rows: NewScore[]): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) {
      await tx
        .insert(scores)
        .values(rows.slice(i, i + 500))
        .onConflictDoUpdate({
          target: [scores.round, scores.modelId],
          set: {
            submissionId: sql`excluded.submission_id`,
            corr: sql`excluded.corr`,
            mmc: sql`excluded.mmc`,
            fnc: sql`excluded.fnc`,
            stakeAtRisk: sql`excluded.stake_at_risk`,
            ratioWad: sql`excluded.ratio_wad`,
            payout: sql`excluded.payout`,
          },
        });
    }
  });
}

export async function roundScores(db: Db, round: number): Promise<Score[]> {
  return db.select().from(scores).where(eq(scores.round, round)).orderBy(scores.modelId);
}

export async function modelScores(db: Db, modelId: string): Promise<Score[]> {
  return db.select().from(scores).where(eq(scores.modelId, modelId)).orderBy(desc(scores.round));
}

export async function markSettled(db: Db, round: number, modelIds: string[], tx: string) {
  await db.transaction(async (t) => {
    for (const modelId of modelIds) {
      await t
        .update(scores)
        .set({ settleTx: tx })
        .where(and(eq(scores.round, round), eq(scores.modelId, modelId)));
    }
  });
}
