/** Result of `pivotedCholesky`: P' S P ~ L L' over the first `rank` pivots. */
export interface PivotedCholesky {
  /** Pivot order: perm[j] is the original index of the j-th pivot. */
  readonly perm: Int32Array;
  readonly rank: number;
  /** L, rank x rank lower triangular, row-major (stride rank). */
  readonly l: Float64Array;
  /** Schur-complement diagonal left after the last pivot, by pivot position (entries >= rank). */
  readonly rest: Float64Array;
}

const PANEL = 48;

/**
 * Right-looking, panel-blocked Cholesky with diagonal (complete) pivoting of a symmetric positive
 * semi-definite matrix `s` (p x p, row-major; its lower triangle is read and overwritten), as
 * LAPACK's dpstrf: at each step the largest remaining Schur-complement diagonal is the pivot.
 * `stop(j, diag, perm)` is asked before pivot j (diag: the Schur diagonal by pivot position, valid
 * from j on); true ends the factorization there (rank j). After each panel of 48 pivots the
 * trailing matrix gets a rank-48 update: `trailing`, plain JavaScript by default or a
 * WebAssembly kernel working on the same memory. With `shared`, L is in a SharedArrayBuffer.
 */
export function pivotedCholesky(
  s: Float64Array,
  p: number,
  stop: (j: number, diag: Float64Array, perm: Int32Array) => boolean,
  trailing: TrailingUpdate = trailingUpdateJs,
  shared = false,
): PivotedCholesky {
  const perm = Int32Array.from({ length: p }, (_, i) => i);
  const diag = new Float64Array(p);
  for (let i = 0; i < p; i++) diag[i] = s[i * p + i]!;
  let rank = p;
  outer: for (let j0 = 0; j0 < p; j0 += PANEL) {
    const j1 = Math.min(p, j0 + PANEL);
    for (let j = j0; j < j1; j++) {
      let q = j;
      for (let i = j + 1; i < p; i++) if (diag[i]! > diag[q]!) q = i;
      if (!(diag[q]! > 0) || stop(j, diag, perm)) {
        rank = j;
        break outer;
      }
      if (q !== j) swap(s, p, j, q, diag, perm);
      const ljj = Math.sqrt(diag[j]!);
      const rj = j * p;
      s[rj + j] = ljj;
      for (let i = j + 1; i < p; i++) {
        const ri = i * p;
        let acc = s[ri + j]!;
        for (let k = j0; k < j; k++) acc -= s[ri + k]! * s[rj + k]!;
        const lij = acc / ljj;
        s[ri + j] = lij;
        diag[i] = diag[i]! - lij * lij;
      }
    }
    if (j1 < p) trailing(s, p, j0, j1);
  }
  const bytes = rank * rank * 8;
  const l = new Float64Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  for (let i = 0; i < rank; i++) {
    for (let k = 0; k <= i; k++) l[i * rank + k] = s[i * p + k]!;
  }
  const rest = new Float64Array(p);
  for (let i = rank; i < p; i++) rest[i] = diag[i]!;
  return { perm, rank, l, rest };
}

/**
 * Symmetric swap of pivots j < q, lower triangle only (as LAPACK's dsyswapr): the finished
 * columns (< j) of rows j and q, the two diagonals, and the entries that mirror across.
 */
function swap(
  s: Float64Array,
  p: number,
  j: number,
  q: number,
  diag: Float64Array,
  perm: Int32Array,
) {
  const rj = j * p;
  const rq = q * p;
  for (let c = 0; c < j; c++) {
    const t = s[rj + c]!;
    s[rj + c] = s[rq + c]!;
    s[rq + c] = t;
  }
  const tjj = s[rj + j]!;
  s[rj + j] = s[rq + q]!;
  s[rq + q] = tjj;
  for (let r = j + 1; r < q; r++) {
    const t = s[r * p + j]!;
    s[r * p + j] = s[rq + r]!;
    s[rq + r] = t;
  }
  for (let r = q + 1; r < p; r++) {
    const rr = r * p;
    const t = s[rr + j]!;
    s[rr + j] = s[rr + q]!;
    s[rr + q] = t;
  }
  const td = diag[j]!;
  diag[j] = diag[q]!;
  diag[q] = td;
  const tp = perm[j]!;
  perm[j] = perm[q]!;
  perm[q] = tp;
}

/** Trailing update: S[i][l] -= sum over k in [j0, j1) of L[i][k] L[l][k], for j1 <= l <= i. */
export type TrailingUpdate = (s: Float64Array, p: number, j0: number, j1: number) => void;

/** The plain-JavaScript trailing update, two rows by two columns per pass. */
export const trailingUpdateJs: TrailingUpdate = (s, p, j0, j1) => {
  let i = j1;
  for (; i + 1 < p; i += 2) {
    const ri = i * p;
    const ri1 = ri + p;
    let l = j1;
    for (; l + 1 <= i + 1; l += 2) {
      const rl = l * p;
      const rl1 = rl + p;
      let a00 = 0;
      let a01 = 0;
      let a10 = 0;
      let a11 = 0;
      for (let k = j0; k < j1; k++) {
        const x0 = s[ri + k]!;
        const x1 = s[ri1 + k]!;
        const y0 = s[rl + k]!;
        const y1 = s[rl1 + k]!;
        a00 += x0 * y0;
        a01 += x0 * y1;
        a10 += x1 * y0;
        a11 += x1 * y1;
      }
      s[ri + l] = s[ri + l]! - a00;
      s[ri + l + 1] = s[ri + l + 1]! - a01;
      s[ri1 + l] = s[ri1 + l]! - a10;
      s[ri1 + l + 1] = s[ri1 + l + 1]! - a11;
    }
  }
  for (; i < p; i++) {
    const ri = i * p;
    for (let l = j1; l <= i; l++) {
      const rl = l * p;
      let a = 0;
      for (let k = j0; k < j1; k++) a += s[ri + k]! * s[rl + k]!;
      s[ri + l] = s[ri + l]! - a;
    }
  }
};
