import { align, take } from "../align";
import { ScoringError } from "../errors";
import type { Series } from "../types";
import { assertFinite, assertSameLength, assertSeriesShape } from "../validate";

/**
 * Inner stake-weighted mean of aligned prediction vectors: sum_i(w_i * p_i) / sum_i(w_i).
 * `columns` all have the same length; `weights` are finite, non-negative, positive in sum.
 */
export function metaModelInner(
  columns: readonly Float64Array[],
  weights: readonly number[],
): Float64Array {
  const n = columns[0]!.length;
  const out = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < columns.length; k++) {
    const w = weights[k]!;
    if (w === 0) continue;
    total += w;
    const c = columns[k]!;
    for (let i = 0; i < n; i++) out[i] = out[i]! + w * c[i]!;
  }
  for (let i = 0; i < n; i++) out[i] = out[i]! / total;
  return out;
}

/**
 * The meta model (`stake_weight`): per id, the stake-weighted mean of the submissions' raw
 * predictions, over the ids common to all submissions (sorted; 20% rule as in `align`).
 * Zero-stake submissions get no weight. Ties irrelevant; NaN/Infinity in predictions or stakes:
 * `non_finite_values`; negative stakes or a zero total: `invalid_argument` (callers choose
 * their own fallback, e.g. equal weights).
 *
 * @example
 * metaModel([a, b], [3, 1]) // -> { ids, values: 0.75 * a + 0.25 * b }
 */
export function metaModel(submissions: readonly Series[], stakes: readonly number[]): Series {
  assertSameLength(submissions.length, stakes.length, "metaModel submissions and stakes");
  if (submissions.length === 0) {
    throw new ScoringError("empty_input", "metaModel needs at least one submission");
  }
  let total = 0;
  for (const s of stakes) {
    if (!Number.isFinite(s) || s < 0) {
      throw new ScoringError(
        "invalid_argument",
        `metaModel: stake ${s} is not a finite value >= 0`,
      );
    }
    total += s;
  }
  if (total === 0) throw new ScoringError("invalid_argument", "metaModel: total stake is 0");
  submissions.forEach((s, k) => {
    assertSeriesShape(s, `submission ${k}`);
    assertFinite(s.values, `submission ${k}`, s.ids);
  });
  const al = align(
    submissions.map((s) => s.ids),
    submissions.map((_, k) => `submission ${k}`),
  );
  const columns = submissions.map((s, k) => take(s.values, al.index[k]!));
  return { ids: al.ids, values: metaModelInner(columns, stakes) };
}
