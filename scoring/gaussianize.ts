// biome-ignore-all lint/correctness/noPrecisionLoss: AS 241 coefficients are kept exactly as published (more digits than a double holds) so they can be checked against the paper.
import { ScoringError } from "./errors";

// Wichura (1988), Algorithm AS 241 "PPND16": rational approximations accurate to about 1e-16.
const A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852545925,
];
const C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833,
  7.7454501427834140764e-4,
];
const D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5,
  2.01033439929228813265e-7,
];
const F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
  7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];

function poly(c: readonly number[], x: number): number {
  let s = c[7]!;
  for (let i = 6; i >= 0; i--) s = s * x + c[i]!;
  return s;
}

/** Inner quantile function for p in [0, 1]; 0 and 1 give -Infinity and +Infinity. */
export function normPpfInner(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(A, r)) / poly(B, r);
  }
  let r = q < 0 ? p : 1 - p;
  if (r <= 0) return q < 0 ? -Infinity : Infinity;
  r = Math.sqrt(-Math.log(r));
  let v: number;
  if (r <= 5) {
    r -= 1.6;
    v = poly(C, r) / poly(D, r);
  } else {
    r -= 5;
    v = poly(E, r) / poly(F, r);
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
