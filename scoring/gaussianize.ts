// biome-ignore-all lint/correctness/noPrecisionLoss: AS 241 coefficients are kept exactly as published (more digits than a double holds) so they can be checked against the paper.
import { ScoringError } from "./errors";

// Wichura (1988), Algorithm AS 241 "PPND16": rational approximations accurate to about 1e-16.
type Coefficients = [number, number, number, number, number, number, number, number];
const A: Coefficients = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const B: Coefficients = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852545925,
];
const C: Coefficients = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833,
  7.7454501427834140764e-4,
];
const D: Coefficients = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const E: Coefficients = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5,
  2.01033439929228813265e-7,
];
const F: Coefficients = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
  7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];

// The coefficients one by one: the polynomials below are written out (Horner's rule, the same
// operations in the same order as a loop over the arrays), which runs several times faster
// before the JIT has optimized anything, as in a short-lived CLI process.
const [a0, a1, a2, a3, a4, a5, a6, a7] = A;
const [b0, b1, b2, b3, b4, b5, b6, b7] = B;
const [c0, c1, c2, c3, c4, c5, c6, c7] = C;
const [d0, d1, d2, d3, d4, d5, d6, d7] = D;
const [e0, e1, e2, e3, e4, e5, e6, e7] = E;
const [f0, f1, f2, f3, f4, f5, f6, f7] = F;

/** Inner quantile function for p in [0, 1]; 0 and 1 give -Infinity and +Infinity. */
export function normPpfInner(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    const num = ((((((a7 * r + a6) * r + a5) * r + a4) * r + a3) * r + a2) * r + a1) * r + a0;
    const den = ((((((b7 * r + b6) * r + b5) * r + b4) * r + b3) * r + b2) * r + b1) * r + b0;
    return (q * num) / den;
  }
  let r = q < 0 ? p : 1 - p;
  if (r <= 0) return q < 0 ? -Infinity : Infinity;
  r = Math.sqrt(-Math.log(r));
  let v: number;
  if (r <= 5) {
    r -= 1.6;
    const num = ((((((c7 * r + c6) * r + c5) * r + c4) * r + c3) * r + c2) * r + c1) * r + c0;
    const den = ((((((d7 * r + d6) * r + d5) * r + d4) * r + d3) * r + d2) * r + d1) * r + d0;
    v = num / den;
  } else {
    r -= 5;
    const num = ((((((e7 * r + e6) * r + e5) * r + e4) * r + e3) * r + e2) * r + e1) * r + e0;
    const den = ((((((f7 * r + f6) * r + f5) * r + f4) * r + f3) * r + f2) * r + f1) * r + f0;
    v = num / den;
  }
  return q < 0 ? -v : v;
}

/**
 * Standard normal quantile function (inverse CDF), accurate to double precision (AS 241).
 * p outside [0, 1] or NaN: `invalid_argument` error; 0 and 1 map to -Infinity and +Infinity.
 *
 * @example
 * normPpf(0.975) // -> 1.959963984540054
 */
export function normPpf(p: number): number {
  if (!(p >= 0 && p <= 1)) {
    throw new ScoringError("invalid_argument", `normPpf needs p in [0, 1], got ${p}`);
  }
  return normPpfInner(p);
}

/**
 * Applies the normal quantile function to each value (tie-kept ranks, in (0, 1)).
 * Ties stay ties; values outside (0, 1) or NaN: `invalid_argument` error (ranks never are).
 *
 * @example
 * gaussianize(tieKeptRank(Float64Array.of(3, 1, 2))) // -> [0.967..., -0.967..., 0]
 */
export function gaussianize(ranks: Float64Array): Float64Array {
  const out = new Float64Array(ranks.length);
  for (let i = 0; i < ranks.length; i++) {
    const p = ranks[i]!;
    if (!(p > 0 && p < 1)) {
      throw new ScoringError("invalid_argument", `gaussianize needs values in (0, 1), got ${p}`);
    }
    out[i] = normPpfInner(p);
  }
  return out;
}

/** Gaussianized and pow-1.5 values of every tie-kept rank code for one n (see rankCodesInto). */
export interface GaussTable {
  /** `gauss[c] = normPpf(c / (2n))` for rank code c in [0, 2n]. */
  readonly gauss: Float64Array;
  /** `gaussPow[c] = pow15(gauss[c])`. */
  readonly gaussPow: Float64Array;
}

const tables = new Map<number, GaussTable>();

/**
 * Lookup tables of gaussianized (and pow-1.5) tie-kept ranks for vectors of length n. Every
 * submission of a round shares n, so the quantile function runs 2n times per round instead of
 * once per value. Cached (a few recent sizes).
 */
export function gaussTable(n: number): GaussTable {
  let t = tables.get(n);
  if (t) return t;
  const gauss = new Float64Array(2 * n + 1);
  const gaussPow = new Float64Array(2 * n + 1);
  for (let c = 1; c < 2 * n; c++) {
    const g = normPpfInner(c / (2 * n));
    gauss[c] = g;
    gaussPow[c] = g < 0 ? -((-g) ** 1.5) : g ** 1.5;
  }
  if (tables.size >= 8) tables.delete(tables.keys().next().value!);
  t = { gauss, gaussPow };
  tables.set(n, t);
  return t;
}
