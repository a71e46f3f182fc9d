import { DEFAULT_PAYOUT_PARAMS } from "../payout";
import {
  type ModelRoundScore,
  prepareRound,
  type RoundInput,
  roundMetaModel,
  roundResult,
} from "../round";
import type { ScoringPool } from "./pool";

/**
 * `scoreRound` on every thread of `pool`: same inputs, same results (bit for bit), for rounds
 * with thousands of submissions. Submissions whose predictions live in SharedArrayBuffers (in
 * live-id order) are read in place by the workers; others are copied once per worker.
 *
 * @example
 * const pool = ScoringPool.start();
 * const scores = await scoreRoundParallel({ liveIds, targets, submissions }, pool);
 */
export async function scoreRoundParallel(
  input: RoundInput,
  pool: ScoringPool,
  onProgress?: (done: number) => void,
): Promise<Map<string, ModelRoundScore>> {
  const params = input.params ?? DEFAULT_PAYOUT_PARAMS;
  const { columns, stakes, totalStake } = prepareRound(input);
  const scores = await pool.score(
    {
      ids: input.liveIds,
      targets: input.targets,
      metaModel: roundMetaModel(input.liveIds, columns, stakes),
      features: input.features,
      exposureFeatures: input.exposureFeatures,
      omitUndefinedFnc: true,
    },
    columns,
    { onProgress },
  );
  const out = new Map<string, ModelRoundScore>();
  input.submissions.forEach((s, k) => {
    const sc = scores[k]!;
    out.set(s.modelId, roundResult(sc, s.stakeAtRisk, totalStake, params));
  });
  return out;
}
