import { ScoringError } from "./errors";
import { type GramHelper, gramFitsInt32, gramI16Columns, gramWith } from "./linalg/gram";
import { pivotedCholesky } from "./linalg/pivoted-cholesky";
import { svdPinv } from "./linalg/svd-pinv";
import { type Kernels, wasmKernels } from "./linalg/wasm-kernels";
import { assertFinite, assertMinLength, assertSameLength } from "./validate";

/** numpy's `lstsq(..., rcond=1e-6)`: singular values at or below 1e-6 * max are treated as 0. */
export const NEUTRALIZE_RCOND = 1e-6;

/**
 * What neutralizing against features F needs, built once per feature matrix and reused for
 * every prediction vector: the least-squares fit of y on A = [F, 1] (minimum-norm, numpy's rcond
 * rank decision). Fitted values are A x from least-squares coefficients x, every row by the same
 * operations in the same order, so rows with equal features and equal y stay exactly tied (as in
 * numerai-tools' `y - A @ lstsq(A, y)`); a projection through an orthonormal basis would not.
 *
 * Two routes, chosen at build time:
 * - `gram` (the normal one): G = A'A (exact for integer features), scaled to unit diagonal, then a
 *   Cholesky with complete pivoting stops at the numerical rank; the coefficients of each vector
 *   come from corrected semi-normal equations (solve, residual, solve again), as accurate as QR.
 * - `svd`: Householder QR + Jacobi SVD, pseudo-inverse kept explicitly. Used when the Gram route
 *   cannot show that its rank is numpy's (a singular value near rcond * max).
 * Plain typed arrays: it can be posted to a worker thread.
 */
export interface NeutralBasis {
  readonly n: number;
  /** Numerical rank of [F, 1]. */
  readonly rank: number;
  readonly method: "gram" | "svd";
  /** Columns of [F, 1] used (indices; the last index, F's width, is the column of ones). */
  readonly columns: Int32Array;
  /**
   * Those columns, column-major n x columns.length: int16 when every value is a small integer
   * (Numerai's 0-4 features: a quarter of the memory, exactly the same numbers).
   */
  readonly a: Float64Array | Int16Array;
  /** gram: L (rank x rank, row-major) with L L' = D^-1 A'A D^-1, D = column norms. */
  readonly chol: Float64Array;
  /** gram: 1 / column norms. */
  readonly invNorm: Float64Array;
  /** svd: pseudo-inverse, columns.length x n row-major. */
  readonly pinv: Float64Array;
  /** Largest singular value of [F, 1] (estimate for gram, exact for svd). */
  readonly sigmaMax: number;
}

/**
 * Feature columns in one column-major block (see `FeatureMatrix`): column j at j * stride, the
 * stride a multiple of 8 with the rows past n zero.
 */
export interface ColumnBlock {
  readonly n: number;
  readonly stride: number;
  /** Number of columns. */
  readonly count: number;
  readonly data: Int16Array | Float64Array;
}

/**
 * Inner basis construction (columns already validated). `forceSvd` takes the SVD route (tests
 * compare both routes).
 */
export function neutralBasisInner(
  features: readonly Float64Array[],
  rcond = NEUTRALIZE_RCOND,
  forceSvd = false,
): NeutralBasis {
  const n = features[0]?.length ?? 0;
  const integer = features.every((c) => smallIntegers(c));
  const stride = Math.ceil(n / 8) * 8; // as the kernels take it, the rows past n zero
  const size = stride * features.length;
  const data = integer ? new Int16Array(size) : new Float64Array(size);
  features.forEach((c, j) => {
    data.set(c, j * stride);
  });
  return neutralBasisOf({ n, stride, count: features.length, data }, rcond, forceSvd);
}

/**
 * `neutralBasisInner` of columns already in one block (e.g. a `FeatureMatrix`); `helper`, a
 * thread that takes a share of the Gram matrix (exactly the same result).
 */
export function neutralBasisOf(
  m: ColumnBlock,
  rcond = NEUTRALIZE_RCOND,
  forceSvd = false,
  helper?: GramHelper,
): NeutralBasis {
  const { n, stride, count, data } = m;
  // [F, 1] without all-zero columns (they span nothing, and have no scale).
  const use: number[] = [];
  for (let j = 0; j < count; j++) {
    const off = j * stride;
    for (let i = off; i < off + n; i++) {
      if (data[i] !== 0) {
        use.push(j);
        break;
      }
    }
  }
  use.push(count);
  const used = Int32Array.from(use);
  if (!forceSvd) {
    const b = gramBasis(m, used, rcond, helper);
    if (b) return b;
  }
  const a = denseColumns(m, used);
  const s = svdPinv(a, n, used.length, rcond);
  return {
    n,
    rank: s.rank,
    method: "svd",
    columns: used,
    a,
    chol: new Float64Array(0),
    invNorm: new Float64Array(0),
    pinv: s.pinv,
    sigmaMax: s.singularValues[0] ?? 0,
  };
}

/** Columns `use` of the block as float64, n x use.length column-major (index count: ones). */
function denseColumns(m: ColumnBlock, use: Int32Array): Float64Array {
  const { n, stride, count, data } = m;
  const a = new Float64Array(n * use.length);
  use.forEach((j, k) => {
    if (j === count) a.fill(1, k * n, (k + 1) * n);
    else a.set(data.subarray(j * stride, j * stride + n), k * n);
  });
  return a;
}

/** The Gram route, or null when its rank decision is too close to numpy's cutoff to be sure. */
function gramBasis(
  m: ColumnBlock,
  use: Int32Array,
  rcond: number,
  helper?: GramHelper,
): NeutralBasis | null {
  const { n } = m;
  const p = use.length;
  const kernels = wasmKernels();
  const g =
    kernels && m.data instanceof Int16Array && gramFitsInt32(m.data, m.stride)
      ? gramI16Columns(kernels, m.data, m.stride, n, use, m.count, helper)
      : gramWith(kernels, denseColumns(m, use), n, p);
  const norm2 = Float64Array.from({ length: p }, (_, j) => g[j * p + j]!);
  const sigma1 = Math.sqrt(largestEigenvalue(g, p, norm2));
  const thr2 = (rcond * sigma1) ** 2;
  // Scale to unit diagonal: the factorization's accuracy then does not depend on column scale.
  // With the kernels, the matrix lives in their memory so the trailing updates run there.
  const inv = Float64Array.from(norm2, (v) => 1 / Math.sqrt(v));
  // (Reserving may grow the memory, which replaces its buffer: reserve first, then view it.)
  const sAt = kernels?.reserve(p * p * 8) ?? 0;
  const s = kernels ? new Float64Array(kernels.memory.buffer, sAt, p * p) : g;
  for (let i = 0; i < p; i++) {
    for (let c = 0; c <= i; c++) s[i * p + c] = g[i * p + c]! * inv[i]! * inv[c]!;
  }
  const sOffset = s.byteOffset;
  const trailing = kernels
    ? (_s: Float64Array, pp: number, j0: number, j1: number) =>
        kernels.syrkLower(sOffset, pp, j0, j1)
    : undefined;
  // Stop once what is left could only hold singular values below a quarter of the cutoff:
  // sigma_{k+1}^2 <= trace of the unscaled Schur complement <= remaining * max <= thr^2 / 4.
  const f = pivotedCholesky(
    s,
    p,
    (j, diag, perm) => {
      let worst = 0;
      for (let i = j; i < p; i++) worst = Math.max(worst, diag[i]! * norm2[perm[i]!]!);
      return worst * (p - j) <= thr2 / 4;
    },
    trailing,
    m.data.buffer instanceof SharedArrayBuffer,
  );
  const k = f.rank;
  // The smallest kept singular value must be clearly above the cutoff; else numpy's decision
  // could differ and the SVD route decides.
  const kept = f.perm.subarray(0, k);
  const invKept = Float64Array.from(kept, (j) => inv[j]!);
  const lambdaMin = smallestEigenvalue(f.l, k, invKept);
  if (!(lambdaMin > 16 * thr2)) return null;
  // The kept columns as the block holds them (int16 for small integers), shared if it is.
  const shared = m.data.buffer instanceof SharedArrayBuffer;
  const bytes = n * k * (m.data instanceof Int16Array ? 2 : 8);
  const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const ak = m.data instanceof Int16Array ? new Int16Array(buf) : new Float64Array(buf);
  for (let r = 0; r < k; r++) {
    const j = use[kept[r]!]!;
    if (j === m.count) ak.fill(1, r * n, (r + 1) * n);
    else ak.set(m.data.subarray(j * m.stride, j * m.stride + n), r * n);
  }
  return {
    n,
    rank: k,
    method: "gram",
    columns: Int32Array.from(kept, (j) => use[j]!),
    a: ak,
    chol: f.l, // shared too when the block is: handing the basis to other threads copies nothing
    invNorm: invKept,
    pinv: new Float64Array(0),
    sigmaMax: sigma1,
  };
}

function smallIntegers(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v !== Math.trunc(v) || v > 32767 || v < -32768) return false;
  }
  return true;
}

/** Largest eigenvalue of a symmetric PSD p x p matrix by power iteration from `start`. */
function largestEigenvalue(g: Float64Array, p: number, start: Float64Array): number {
  let v = Float64Array.from(start);
  let w = new Float64Array(p);
  let lambda = 0;
  for (let it = 0; it < 200; it++) {
    let nv = 0;
    for (let i = 0; i < p; i++) nv += v[i]! * v[i]!;
    nv = Math.sqrt(nv);
    if (nv === 0) return 0;
    for (let i = 0; i < p; i++) v[i] = v[i]! / nv;
    for (let i = 0; i < p; i++) {
      let s = 0;
      const r = i * p;
      for (let k = 0; k < p; k++) s += g[r + k]! * v[k]!;
      w[i] = s;
    }
    let rq = 0;
    for (let i = 0; i < p; i++) rq += v[i]! * w[i]!;
    const done = Math.abs(rq - lambda) <= 1e-10 * rq;
    lambda = rq;
    if (done) break;
    [v, w] = [w, v];
  }
  return lambda;
}

/**
 * Smallest eigenvalue of D L L' D (the kept columns' Gram; D = diag(1 / invNorm)) by inverse
 * iteration: each step solves with L and L'. Converges from above.
 */
function smallestEigenvalue(l: Float64Array, k: number, invNorm: Float64Array): number {
  if (k === 0) return Number.POSITIVE_INFINITY;
  let w: Float64Array = Float64Array.from({ length: k }, (_, i) => 1 + ((i * 7919) % 101) / 101);
  let mu = 0;
  for (let it = 0; it < 60; it++) {
    let nw = 0;
    for (let i = 0; i < k; i++) nw += w[i]! * w[i]!;
    nw = Math.sqrt(nw);
    for (let i = 0; i < k; i++) w[i] = (w[i]! / nw) * invNorm[i]!;
    const z = cholSolve(l, k, w);
    for (let i = 0; i < k; i++) z[i] = z[i]! * invNorm[i]!;
    let nz = 0;
    for (let i = 0; i < k; i++) nz += z[i]! * z[i]!;
    nz = Math.sqrt(nz);
    const done = it >= 8 && Math.abs(nz - mu) <= 1e-4 * nz;
    mu = nz;
    w = z;
    if (done) break;
  }
  return 1 / mu;
}

/** Solves L L' z = c (L: k x k row-major lower); returns z (c is left unchanged). */
function cholSolve(l: Float64Array, k: number, c: Float64Array): Float64Array {
  const z = Float64Array.from(c);
  for (let j = 0; j < k; j++) {
    const r = j * k;
    let s = z[j]!;
    for (let q = 0; q < j; q++) s -= l[r + q]! * z[q]!;
    z[j] = s / l[r + j]!;
  }
  for (let j = k - 1; j >= 0; j--) {
    const r = j * k;
    const x = z[j]! / l[r + j]!;
    z[j] = x;
    for (let q = 0; q < j; q++) z[q] = z[q]! - x * l[r + q]!;
  }
  return z;
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

/**
 * The per-vector steps (A'y and A x) on the WebAssembly kernels: the basis' columns copied once
 * into a kernel instance, as int16 when they are small integers (4x less memory to stream than
 * float64, exact), with scratch vectors beside them.
 */
interface KernelRunner {
  readonly k: Kernels;
  readonly int16: boolean;
  /** Padded row count (multiple of 8). */
  readonly n8: number;
  readonly a: number;
  readonly y: Float64Array;
  readonly x: Float64Array;
  readonly f: Float64Array;
  /** Offset of the basis' Cholesky factor (gram route), its lower triangle packed by rows. */
  readonly l: number;
}

/**
 * Kernel instances of the bases used last (each holds a copy of its basis' columns): a few, so
 * that a validation set's hundred eras do not each keep one.
 */
const runners = new Map<NeutralBasis, KernelRunner | null>();
const RUNNERS_KEPT = 4;
/** The instance of the runner evicted last, reused (its memory already grown) by the next. */
let spare: Kernels | null = null;

function runnerOf(b: NeutralBasis): KernelRunner | null {
  let r = runners.get(b);
  if (r !== undefined) {
    runners.delete(b);
    runners.set(b, r);
    if (runners.size > RUNNERS_KEPT) {
      const oldest = runners.keys().next().value!;
      spare = runners.get(oldest)?.k ?? spare;
      runners.delete(oldest);
    }
    return r;
  }
  r = null;
  let k: Kernels | null = null;
  if (b.method === "gram") {
    k = spare ?? wasmKernels();
    spare = null;
  }
  if (k) {
    const m = b.columns.length;
    const n8 = Math.ceil(b.n / 8) * 8;
    const int16 = b.a instanceof Int16Array;
    const aBytes = Math.ceil((n8 * m * (int16 ? 2 : 8)) / 16) * 16;
    const vBytes = Math.ceil(((2 * n8 + m) * 8) / 16) * 16;
    const m2 = (m * (m + 1)) / 2; // L's lower triangle, packed by rows
    const base = k.reserve(aBytes + vBytes + m2 * 8);
    const buf = k.memory.buffer;
    const dst = int16 ? new Int16Array(buf, base, n8 * m) : new Float64Array(buf, base, n8 * m);
    for (let j = 0; j < m; j++) {
      dst.set(b.a.subarray(j * b.n, (j + 1) * b.n), j * n8);
      dst.fill(0, j * n8 + b.n, (j + 1) * n8);
    }
    r = {
      k,
      int16,
      n8,
      a: base,
      y: new Float64Array(buf, base + aBytes, n8),
      f: new Float64Array(buf, base + aBytes + n8 * 8, n8),
      x: new Float64Array(buf, base + aBytes + 2 * n8 * 8, m),
      l: base + aBytes + vBytes,
    };
    const l = new Float64Array(buf, r.l, m2);
    for (let j = 0; j < m; j++) l.set(b.chol.subarray(j * m, j * m + j + 1), (j * (j + 1)) / 2);
  }
  runners.set(b, r);
  if (runners.size > RUNNERS_KEPT) {
    const oldest = runners.keys().next().value!;
    spare = runners.get(oldest)?.k ?? spare;
    runners.delete(oldest);
  }
  return r;
}

/** Least-squares coefficients of y on the basis' columns (x, length columns.length). */
function coefficients(y: Float64Array, b: NeutralBasis, run: KernelRunner | null): Float64Array {
  const { n, a } = b;
  const m = b.columns.length;
  const c = new Float64Array(m);
  if (b.method === "svd") {
    for (let j = 0; j < m; j++) c[j] = dot(b.pinv, j * n, y, n);
    return c;
  }
  if (run) {
    run.y.set(y);
    const dots = run.int16 ? run.k.colDotsI16 : run.k.colDotsF64;
    const x = run.x;
    dots(run.a, run.n8, m, run.y.byteOffset, x.byteOffset);
    for (let j = 0; j < m; j++) x[j] = x[j]! * b.invNorm[j]!;
    run.k.cholSolve(run.l, m, x.byteOffset);
    for (let j = 0; j < m; j++) c[j] = x[j]! * b.invNorm[j]!;
    return c;
  } else {
    for (let j = 0; j < m; j++) c[j] = dot(a, j * n, y, n) * b.invNorm[j]!;
  }
  const z = cholSolve(b.chol, m, c);
  for (let j = 0; j < m; j++) z[j] = z[j]! * b.invNorm[j]!;
  return z;
}

function dot(a: Float64Array | Int16Array, off: number, y: Float64Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[off + i]! * y[i]!;
    s1 += a[off + i + 1]! * y[i + 1]!;
    s2 += a[off + i + 2]! * y[i + 2]!;
    s3 += a[off + i + 3]! * y[i + 3]!;
  }
  for (; i < n; i++) s0 += a[off + i]! * y[i]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * fitted = A x, each row summed over the columns in the same order (ties stay ties); the kernel
 * does exactly these operations, two rows per instruction.
 */
function fittedInto(
  x: Float64Array,
  b: NeutralBasis,
  fitted: Float64Array,
  run: KernelRunner | null,
): void {
  const { n, a } = b;
  if (run) {
    run.x.set(x);
    (run.int16 ? run.k.fittedI16 : run.k.fittedF64)(
      run.a,
      run.n8,
      x.length,
      run.x.byteOffset,
      run.f.byteOffset,
    );
    fitted.set(run.f.subarray(0, n));
    return;
  }
  fitted.fill(0);
  for (let j = 0; j < x.length; j++) {
    const xj = x[j]!;
    const off = j * n;
    for (let i = 0; i < n; i++) fitted[i] = fitted[i]! + a[off + i]! * xj;
  }
}

/** Inner neutralization: out = y - proportion * A x, x the least-squares fit (out may alias y). */
export function neutralizeInto(
  y: Float64Array,
  b: NeutralBasis,
  out: Float64Array,
  proportion = 1,
): Float64Array {
  const { n } = b;
  const fitted = new Float64Array(n);
  const run = runnerOf(b);
  const x = coefficients(y, b, run);
  fittedInto(x, b, fitted, run);
  if (b.method === "gram") {
    // One correction step (corrected semi-normal equations): the normal equations alone lose
    // accuracy with the square of the condition number; solving again for the residual's fit
    // brings x to QR accuracy.
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = y[i]! - fitted[i]!;
    const dx = coefficients(r, b, run);
    for (let j = 0; j < x.length; j++) x[j] = x[j]! + dx[j]!;
    fittedInto(x, b, fitted, run);
  }
  for (let i = 0; i < n; i++) out[i] = y[i]! - proportion * fitted[i]!;
  return out;
}

/**
 * Neutralizes x against features F: subtracts `proportion` times the least-squares fit of x on
 * [F, 1] (minimum-norm, rcond 1e-6 as numpy's lstsq). The result has mean 0 and is orthogonal
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
  const b = Array.isArray(features) ? neutralBasis(features) : (features as NeutralBasis);
  assertSameLength(x.length, b.n, "neutralize");
  assertFinite(x, "neutralize input");
  if (!Number.isFinite(proportion)) {
    throw new ScoringError("invalid_argument", `neutralize: proportion must be finite`);
  }
  return neutralizeInto(x, b, new Float64Array(x.length), proportion);
}
