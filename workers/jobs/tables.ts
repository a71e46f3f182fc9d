import { decodePredictions } from "../../db";
import { parseIdValueCsv } from "../../formats/csv";

/**
 * A stored submission's predictions with their ids: the float64 `predictions` beside the round's
 * sorted live ids, or (rows stored as text) its canonical CSV parsed.
 */
export function submissionPredictions(
  s: { modelId: string; canonicalCsv: string | null; predictions: Uint8Array | null },
  sortedLiveIds: readonly string[],
): { ids: readonly string[]; values: Float64Array } {
  if (s.predictions !== null) {
    const values = decodePredictions(s.predictions);
    if (values.length !== sortedLiveIds.length) {
      throw new Error(
        `model ${s.modelId}: ${values.length} stored predictions for ${sortedLiveIds.length} live ids`,
      );
    }
    return { ids: sortedLiveIds, values };
  }
  if (s.canonicalCsv === null) throw new Error(`model ${s.modelId}: submission has no content`);
  return parseIdValueCsv(s.canonicalCsv);
}
