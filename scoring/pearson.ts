import { ScoringError } from "./errors";
import { assertFinite, assertMinLength, assertSameLength } from "./validate";

/**
 * Inner Pearson correlation (two-pass: means, then centered sums). Returns NaN when either input
 * is constant; the public function turns that into an error.
 */
export function pearsonInner(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Pearson correlation given `y` already centered (mean 0) and its sum of squares `syy`: one
 * pass fewer per submission when `y` (transformed targets) is shared.
 */
export function pearsonCenteredInner(x: Float64Array, yc: Float64Array, syy: number): number {
  const n = x.length;
  let mx = 0;
  for (let i = 0; i < n; i++) mx += x[i]!;
  mx /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    sxy += dx * yc[i]!;
    sxx += dx * dx;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * The ordinary sample Pearson correlation of two equal-length vectors, in [-1, 1].
 * Ties: no special handling. NaN/Infinity: `non_finite_values`; different lengths:
 * `length_mismatch`; a constant input (correlation undefined): `constant_input` error.
 *
 * @example
 * pearson(Float64Array.of(1, 2, 3), Float64Array.of(2, 4, 7)) // -> 0.9933992677987828
 */
export function pearson(x: Float64Array, y: Float64Array): number {
  assertSameLength(x.length, y.length, "pearson");
  assertMinLength(x.length, 2, "pearson");
  assertFinite(x, "pearson x");
  assertFinite(y, "pearson y");
  const r = pearsonInner(x, y);
  if (!Number.isFinite(r)) {
    throw new ScoringError(
      "constant_input",
      "pearson: an input is constant; correlation undefined",
    );
  }
  return Math.max(-1, Math.min(1, r));
}
