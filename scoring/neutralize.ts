import { ScoringError } from "./errors";
import { assertFinite, assertMinLength, assertSameLength } from "./validate";

/** numpy's `pinv(..., rcond=1e-6)`: singular values at or below 1e-6 * max are treated as 0. */
export const NEUTRALIZE_RCOND = 1e-6;

/**
 * An orthonormal basis of the column space of [F, 1], keeping only directions whose singular
 * value exceeds rcond * (largest singular value). Projecting on it is exactly what
 * `A @ pinv(A, rcond) @ y` does, so rank-deficient F gets the minimum-norm least-squares fit.
 * Build once per feature matrix, reuse for every submission.
 */
export interface NeutralBasis {
  readonly n: number;
  /** Numerical rank of [F, 1]. */
  readonly rank: number;
  /** `rank` orthonormal columns of length n, column-major. */
  readonly basis: Float64Array;
  /** Singular values of [F, 1], descending. */
  readonly singularValues: Float64Array;
}

/**
 * Inner basis construction: Householder QR of A = [F, 1] (n x p), then a one-sided Jacobi SVD of
 * the p x p factor R (R V = U S). The left singular vectors of A are Q U; those with singular
 * values above the cutoff span the fitted values. Working on A rather than A^T A keeps the
 * accuracy of the rank decision and of the fit (no squared condition number).
 */
export function neutralBasisInner(columns: readonly Float64Array[], rcond = NEUTRALIZE_RCOND) {
  const n = columns[0]?.length ?? 0;
  const p = columns.length + 1;
  const a = new Float64Array(n * p); // column-major copy of [F, 1]
  for (let j = 0; j < p - 1; j++) a.set(columns[j]!, j * n);
  a.fill(1, (p - 1) * n, p * n);

  // Householder QR, reflectors stored in place below the diagonal (v scaled so v'v = 2).
  const steps = Math.min(n, p);
  const rdiag = new Float64Array(p);
  for (let j = 0; j < steps; j++) {
    const cj = j * n;
    let norm = 0;
    for (let i = j; i < n; i++) norm += a[cj + i]! * a[cj + i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) {
      rdiag[j] = 0;
      continue;
    }
    const alpha = a[cj + j]! > 0 ? -norm : norm;
    a[cj + j] = a[cj + j]! - alpha;
    let vv = 0;
    for (let i = j; i < n; i++) vv += a[cj + i]! * a[cj + i]!;
    const vnorm = Math.sqrt(vv);
    const scale = Math.SQRT2 / vnorm;
    for (let i = j; i < n; i++) a[cj + i] = a[cj + i]! * scale;
    rdiag[j] = alpha;
    for (let k = j + 1; k < p; k++) {
      const ck = k * n;
      let s = 0;
      for (let i = j; i < n; i++) s += a[cj + i]! * a[ck + i]!;
      for (let i = j; i < n; i++) a[ck + i] = a[ck + i]! - s * a[cj + i]!;
    }
  }
  // R (p x p, column-major), zero rows beyond n.
  const m = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    for (let i = 0; i < Math.min(k, steps); i++) m[k * p + i] = a[k * n + i]!;
    if (k < steps) m[k * p + k] = rdiag[k]!;
  }

  // One-sided Jacobi: rotate columns of M = R until mutually orthogonal; M -> U S.
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let j = 0; j < p - 1; j++) {
      for (let k = j + 1; k < p; k++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < p; i++) {
          const x = m[j * p + i]!;
          const y = m[k * p + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < p; i++) {
          const x = m[j * p + i]!;
          const y = m[k * p + i]!;
          m[j * p + i] = c * x - s * y;
          m[k * p + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const sv = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < p; i++) s += m[j * p + i]! * m[j * p + i]!;
    sv[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: p }, (_, j) => j).sort((x, y) => sv[y]! - sv[x]!);
  const smax = sv[order[0]!]!;
  const keep = order.filter((j) => sv[j]! > rcond * smax);
  const rank = keep.length;

  // Basis = Q [U_r; 0]: apply the reflectors in reverse to each kept left singular vector of R.
  const basis = new Float64Array(n * rank);
  for (let r = 0; r < rank; r++) {
    const j = keep[r]!;
    const off = r * n;
    for (let i = 0; i < p; i++) basis[off + i] = m[j * p + i]! / sv[j]!;
    for (let h = steps - 1; h >= 0; h--) {
      if (rdiag[h] === 0) continue;
      const ch = h * n;
      let s = 0;
      for (let i = h; i < n; i++) s += a[ch + i]! * basis[off + i]!;
      for (let i = h; i < n; i++) basis[off + i] = basis[off + i]! - s * a[ch + i]!;
    }
  }
  return {
    n,
    rank,
    basis,
    singularValues: Float64Array.from(order, (j) => sv[j]!),
  } satisfies NeutralBasis;
}

/**
 * Builds the neutralization basis of features F (columns, each of length n), adding the column
 * of ones. NaN/Infinity: `non_finite_values`; ragged columns: `length_mismatch`. Constant or
 * duplicated features are fine (rank-deficient: minimum-norm solution).
 *
 * @example
 * const b = neutralBasis([Float64Array.of(1, 2, 3, 4)]) // b.rank === 2
 */
export function neutralBasis(
  columns: readonly Float64Array[],
  rcond = NEUTRALIZE_RCOND,
): NeutralBasis {
  const n = columns[0]?.length ?? 0;
  columns.forEach((c, j) => {
    assertSameLength(c.length, n, `feature column ${j}`);
    assertFinite(c, `feature column ${j}`);
  });
  assertMinLength(n, 1, "neutralBasis");
  return neutralBasisInner(columns, rcond);
}

/** Inner neutralization: out = x - proportion * B B' x (out may alias x). */
export function neutralizeInto(
  x: Float64Array,
  b: NeutralBasis,
  out: Float64Array,
  proportion = 1,
): Float64Array {
  const { n, rank, basis } = b;
  const coef = new Float64Array(rank);
  for (let r = 0; r < rank; r++) {
    const off = r * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += basis[off + i]! * x[i]!;
    coef[r] = s * proportion;
  }
  if (out !== x) out.set(x);
  for (let r = 0; r < rank; r++) {
    const off = r * n;
    const c = coef[r]!;
    for (let i = 0; i < n; i++) out[i] = out[i]! - c * basis[off + i]!;
  }
  return out;
}

/**
 * Neutralizes x against features F: subtracts `proportion` times the least-squares fit of x on
 * [F, 1] (minimum-norm, rcond 1e-6 as numpy's pinv). The result has mean 0 and is orthogonal
 * to every feature. Ties irrelevant; NaN/Infinity: `non_finite_values`; length differences:
 * `length_mismatch`; x in the span of F (e.g. constant) gives zeros.
 *
 * @example
 * neutralize(Float64Array.of(1, 2, 4), [Float64Array.of(1, 2, 3)]) // -> [1/6, -1/3, 1/6]
 */
export function neutralize(
  x: Float64Array,
  features: readonly Float64Array[] | NeutralBasis,
  proportion = 1,
): Float64Array {
  const b = "basis" in features ? features : neutralBasis(features);
  assertSameLength(x.length, b.n, "neutralize");
  assertFinite(x, "neutralize input");
  if (!Number.isFinite(proportion)) {
    throw new ScoringError("invalid_argument", `neutralize: proportion must be finite`);
  }
  return neutralizeInto(x, b, new Float64Array(x.length), proportion);
}
