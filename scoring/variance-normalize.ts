import { ScoringError } from "./errors";
import { assertFinite, assertMinLength } from "./validate";

/** Population standard deviation (ddof 0), two-pass. */
export function stdPopulation(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i]!;
  m /= x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - m;
    ss += d * d;
  }
  return Math.sqrt(ss / x.length);
}

/** Inner x / std(x) into `out` (may alias `x`). */
export function varianceNormalizeInto(x: Float64Array, out: Float64Array): Float64Array {
  const s = stdPopulation(x);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! / s;
  return out;
}

/**
 * Divides by the population standard deviation (ddof 0); the mean is not removed.
 * Ties irrelevant; NaN/Infinity: `non_finite_values`; constant input (std 0): `constant_input`.
 *
 * @example
 * varianceNormalize(Float64Array.of(1, 3)) // -> [1, 3] (std is 1)
 */
export function varianceNormalize(x: Float64Array): Float64Array {
  assertMinLength(x.length, 1, "varianceNormalize input");
  assertFinite(x, "varianceNormalize input");
  if (stdPopulation(x) === 0) {
    throw new ScoringError("constant_input", "varianceNormalize: input is constant (std 0)");
  }
  return varianceNormalizeInto(x, new Float64Array(x.length));
}
