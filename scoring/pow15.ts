import { assertFinite } from "./validate";

/** Inner sign(x) * |x|^1.5 into `out` (may alias `x`). */
export function pow15Into(x: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v < 0 ? -((-v) ** 1.5) : v ** 1.5;
  }
  return out;
}

/**
 * sign(x) * |x|^1.5, element-wise: stretches the tails, keeps order and sign. Ties stay ties;
 * NaN/Infinity: `non_finite_values` error; constant input gives a constant output.
 *
 * @example
 * pow15(Float64Array.of(-4, 0, 1)) // -> [-8, 0, 1]
 */
export function pow15(x: Float64Array): Float64Array {
  assertFinite(x, "pow15 input");
  return pow15Into(x, new Float64Array(x.length));
}
