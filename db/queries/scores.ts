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
            maxFeatureExposure: sql`excluded.max_feature_exposure`,
            maxFeature: sql`excluded.max_feature`,
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

export interface LeaderboardRow {
  modelId: string;
  name: string;
  rounds: number;
  reputation: number;
  meanCorr: number;
  meanMmc: number | null;
}

/**
 * Reputation, Numerai-style: each model's mean round score (corr x corrMultiplier + mmc x
 * mmcMultiplier, with each round's own multipliers) over its last `window` scored rounds.
 */
export async function leaderboard(db: Db, window = 52, limit = 100): Promise<LeaderboardRow[]> {
  const rows = await db.execute<Record<string, unknown>>(sql`
    with recent as (
      select s.model_id, s.corr, s.mmc,
        s.corr * (r.corr_multiplier / 1e18) + coalesce(s.mmc, 0) * (r.mmc_multiplier / 1e18) as score,
        row_number() over (partition by s.model_id order by s.round desc) as k
      from scores s join rounds r on r.number = s.round
    )
    select m.id as model_id, m.name, count(*)::int as rounds, avg(score)::float8 as reputation,
      avg(corr)::float8 as mean_corr, avg(mmc)::float8 as mean_mmc
    from recent join models m on m.id = recent.model_id
    where k <= ${window}
    group by m.id, m.name
    order by reputation desc, m.name
    limit ${limit}`);
  const list = Array.isArray(rows) ? rows : (rows as { rows: Record<string, unknown>[] }).rows;
  return list.map((r) => ({
    modelId: r.model_id as string,
    name: r.name as string,
    rounds: Number(r.rounds),
    reputation: Number(r.reputation),
    meanCorr: Number(r.mean_corr),
    meanMmc: r.mean_mmc === null ? null : Number(r.mean_mmc),
  }));
}
