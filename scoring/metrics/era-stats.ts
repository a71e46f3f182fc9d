import { ScoringError } from "../errors";

/** Summary of a series of per-era scores. */
export interface EraStats {
  readonly mean: number;
  /** Population standard deviation (ddof 0). */
  readonly std: number;
  /** mean / std. */
  readonly sharpe: number;
  /** Max over eras of (running max of the cumulative sum - cumulative sum); >= 0. */
  readonly maxDrawdown: number;
}

/** Inner stats over finite scores in era order (n >= 1); std 0 gives an infinite/NaN sharpe. */
export function eraStatsInner(scores: Float64Array): EraStats {
  const n = scores.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += scores[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (scores[i]! - mean) ** 2;
  const std = Math.sqrt(ss / n);
  let cum = 0;
  let peak = -Infinity;
  let maxDrawdown = 0;
  for (let i = 0; i < n; i++) {
    cum += scores[i]!;
    // The running max starts at the first era's cumulative sum (not at 0).
    if (cum > peak) peak = cum;
    if (peak - cum > maxDrawdown) maxDrawdown = peak - cum;
  }
  return { mean, std, sharpe: mean / std, maxDrawdown };
}

/**
 * Mean, population std, sharpe and max drawdown of per-era scores given in era order.
 * NaN/Infinity: `non_finite_values`; no eras: `empty_input`; all eras equal (std 0, sharpe
 * undefined): `constant_input`.
 *
 * @example
 * eraStats([0.02, -0.01, 0.03]) // -> { mean: 0.0133, std: 0.0170, sharpe: 0.784, maxDrawdown: 0.01 }
 */
export function eraStats(scores: readonly number[] | Float64Array): EraStats {
  if (scores.length === 0) throw new ScoringError("empty_input", "eraStats needs at least one era");
  const s = Float64Array.from(scores);
  for (let i = 0; i < s.length; i++) {
    if (!Number.isFinite(s[i])) {
      throw new ScoringError("non_finite_values", `era score ${i} is not finite (${s[i]})`);
    }
  }
  const stats = eraStatsInner(s);
  if (stats.std === 0) {
    throw new ScoringError(
      "constant_input",
      "every era has the same score (std 0); sharpe is undefined",
    );
  }
  return stats;
}
