import { assertFinite, assertMinLength } from "./validate";

/** Arithmetic mean (pairwise-free plain sum; n is at most a few hundred thousand). */
export function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** Inner centering into `out` (may alias `x`). */
export function centerInto(x: Float64Array, out: Float64Array): Float64Array {
  const m = mean(x);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! - m;
  return out;
}

/**
 * Subtracts the mean. Ties irrelevant; NaN/Infinity: `non_finite_values` error; empty input:
 * `empty_input` error; constant input gives zeros.
 *
 * @example
 * center(Float64Array.of(1, 2, 6)) // -> [-2, -1, 3]
 */
export function center(x: Float64Array): Float64Array {
  assertMinLength(x.length, 1, "center input");
  assertFinite(x, "center input");
  return centerInto(x, new Float64Array(x.length));
}
