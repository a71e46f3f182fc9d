import { assertFinite } from "./validate";

/**
 * Tie-kept rank codes: `codes[i] = lo + hi`, where `lo` counts values below `x[i]` and `hi`
 * counts values at or below it. The average 1-based rank of `x[i]`'s tie group is
 * `(lo + hi + 1) / 2`, so the tie-kept rank `(r - 0.5) / n` is exactly `codes[i] / (2n)`.
 * Integer codes let the pipeline look gaussianized ranks up in a table per `n`.
 *
 * `sorted` is scratch space of length n (it receives a sorted copy of `x`). Assumes finite input.
 */
export function rankCodesInto(x: Float64Array, sorted: Float64Array, codes: Int32Array): void {
  const n = x.length;
  sorted.set(x);
  sorted.sort();
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    // lo = first index with sorted[k] >= v
    let a = 0;
    let b = n;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (sorted[mid]! < v) a = mid + 1;
      else b = mid;
    }
    const lo = a;
    // hi = first index with sorted[k] > v, searching from lo
    b = n;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (sorted[mid]! <= v) a = mid + 1;
      else b = mid;
    }
    codes[i] = lo + a;
  }
}

/** Inner tie-kept rank over finite values: `(averageRank - 0.5) / n`, in (0, 1). */
export function tieKeptRankInner(x: Float64Array): Float64Array {
  const n = x.length;
  const codes = new Int32Array(n);
  rankCodesInto(x, new Float64Array(n), codes);
  const out = new Float64Array(n);
  const twoN = 2 * n;
  for (let i = 0; i < n; i++) out[i] = codes[i]! / twoN;
  return out;
}

/**
 * Tie-kept rank: rank ascending, ties get the average of their 1-based ranks, then map rank r to
 * (r - 0.5) / n. Values lie in (0, 1). Ties: averaged. NaN/Infinity: `non_finite_values` error.
 * Constant input: every value gets 0.5 (callers that need information reject it first).
 *
 * @example
 * tieKeptRank(Float64Array.of(0.3, 0.1, 0.3)) // -> [0.6666..., 0.1666..., 0.6666...]
 */
export function tieKeptRank(x: Float64Array): Float64Array {
  assertFinite(x, "rank input");
  return tieKeptRankInner(x);
}
