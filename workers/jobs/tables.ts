import { decodePredictions } from "../../db";

/** Reads the `id,<value>` CSVs the database holds (canonical submissions, targets). */
export function parseIdValueCsv(csv: string): { ids: string[]; values: Float64Array } {
  const lines = csv.split("\n");
  const ids: string[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const comma = line.indexOf(",");
    ids.push(line.slice(0, comma));
    values.push(Number(line.slice(comma + 1)));
  }
  return { ids, values: Float64Array.from(values) };
}

/**
 * The ids (first column) of a round's live file, read as the API read them when the round
 * opened (cells trimmed, `\r\n` or `\n`): stored predictions are in the order of these ids sorted.
 */
export function parseLiveIds(csv: string): string[] {
  const lines = csv.split("\n");
  const ids: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const comma = line.indexOf(",");
    ids.push((comma < 0 ? line : line.slice(0, comma)).trim());
  }
  return ids;
}

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
