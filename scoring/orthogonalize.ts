import { ScoringError } from "./errors";
import { assertFinite, assertSameLength } from "./validate";

/** Dot product. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Inner v - u (v.u)/(u.u) into `out` (may alias `v`). */
export function orthogonalizeInto(
  v: Float64Array,
  u: Float64Array,
  out: Float64Array,
): Float64Array {
  const k = dot(v, u) / dot(u, u);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! - u[i]! * k;
  return out;
}

/**
 * Removes from v its projection on u: v - u (v.u) / (u.u); the result is orthogonal to u.
 * Ties irrelevant; NaN/Infinity: `non_finite_values`; different lengths: `length_mismatch`;
 * u all zeros (no direction): `constant_input` error.
 *
 * @example
 * orthogonalize(Float64Array.of(1, 1), Float64Array.of(1, 0)) // -> [0, 1]
 */
export function orthogonalize(v: Float64Array, u: Float64Array): Float64Array {
  assertSameLength(v.length, u.length, "orthogonalize");
  assertFinite(v, "orthogonalize v");
  assertFinite(u, "orthogonalize u");
  if (dot(u, u) === 0) {
    throw new ScoringError("constant_input", "orthogonalize: u is all zeros");
  }
  return orthogonalizeInto(v, u, new Float64Array(v.length));
}
