import {
  addDailyTargets,
  type DailyScore,
  type Db,
  getModel,
  getRound,
  latestDailyRound,
  modelDailyScores,
} from "../../db";
import { DomainError } from "../errors";
import { sha256Hex } from "./hash";
import { parseTargets, withoutBom } from "./live";
import { liveIdSet } from "./live-cache";
import type { DomainServices } from "./services";

/** Days of a round's daily scores run 1..MAX_DAY (Numerai posts about 20 before resolution). */
export const MAX_DAY = 366;

/**
 * Posts provisional targets for a closed round's day: validated like final targets, stored with
 * their SHA-256 beside earlier uploads of that day, and scored by the worker. Settles nothing.
 */
export async function postDailyTargets(
  s: Pick<DomainServices, "db">,
  input: { round: number; day: number; targets: Uint8Array },
) {
  const { db } = s;
  const { round: n, day } = input;
  const bytes = withoutBom(input.targets); // hashed as stored and served
  const round = await getRound(db, n);
  if (!round) throw new DomainError("not_found", `No round ${n}`);
  if (round.status !== "closed") {
    throw new DomainError(
      "round_state",
      `Round ${n} is ${round.status}: daily targets are taken while it is closed`,
    );
  }
  parseTargets(bytes, liveIdSet(round));
  const targetsSha256 = sha256Hex(bytes);
  const saved = await addDailyTargets(db, {
    round: n,
    day,
    targetsCsv: new TextDecoder().decode(bytes),
    targetsSha256,
  });
  return {
    round: n,
    day,
    targetsSha256,
    replaced: saved.replaced,
    uploadedAt: saved.createdAt.toISOString(),
  };
}

export const dailyDayJson = (s: DailyScore) => ({
  day: s.day,
  corr: s.corr,
  mmc: s.mmc,
  fnc: s.fnc,
  stakeAtRisk: s.stakeAtRisk,
  projectedPayout: s.projectedPayout,
});

/**
 * A model's daily scores in a round, by day; without a round, the newest round it has daily
 * scores in (`round` null when it has none).
 */
export async function modelDailyView(db: Db, modelId: string, round?: number) {
  const model = await getModel(db, modelId);
  if (!model) throw new DomainError("not_found", "No such model");
  const n = round ?? (await latestDailyRound(db, model.id));
  if (n !== undefined && round !== undefined && !(await getRound(db, n))) {
    throw new DomainError("not_found", `No round ${n}`);
  }
  const rows = n === undefined ? [] : await modelDailyScores(db, model.id, n);
  return { modelId: model.id, round: n ?? null, days: rows.map(dailyDayJson) };
}
