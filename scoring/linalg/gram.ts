import type { Kernels } from "./wasm-kernels";

/**
 * Gram matrix G = A' A of a column-major n x p matrix `a`, full (both triangles), row-major p x p.
 * Register-blocked (2 x 4 output entries per pass over a row block) so each loaded value feeds
 * several products; rows are taken in blocks that stay in cache. Integer-valued columns (Numerai's
 * 0-4 features) give an exact G: every partial sum is an integer below 2^53.
 */
export function gram(a: Float64Array, n: number, p: number): Float64Array {
  const g = new Float64Array(p * p);
  const B = 512;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    let j = 0;
    for (; j + 1 < p; j += 2) {
      const c0 = j * n;
      const c1 = c0 + n;
      let k = 0;
      for (; k + 3 <= j + 1; k += 4) {
        const d0 = k * n;
        const d1 = d0 + n;
        const d2 = d1 + n;
        const d3 = d2 + n;
        let s00 = 0;
        let s01 = 0;
        let s02 = 0;
        let s03 = 0;
        let s10 = 0;
        let s11 = 0;
        let s12 = 0;
        let s13 = 0;
        for (let i = i0; i < i1; i++) {
          const x0 = a[c0 + i]!;
          const x1 = a[c1 + i]!;
          const y0 = a[d0 + i]!;
          const y1 = a[d1 + i]!;
          const y2 = a[d2 + i]!;
          const y3 = a[d3 + i]!;
          s00 += x0 * y0;
          s01 += x0 * y1;
          s02 += x0 * y2;
          s03 += x0 * y3;
          s10 += x1 * y0;
          s11 += x1 * y1;
          s12 += x1 * y2;
          s13 += x1 * y3;
        }
        const r0 = j * p + k;
        const r1 = r0 + p;
        g[r0] = g[r0]! + s00;
        g[r0 + 1] = g[r0 + 1]! + s01;
        g[r0 + 2] = g[r0 + 2]! + s02;
        g[r0 + 3] = g[r0 + 3]! + s03;
        g[r1] = g[r1]! + s10;
        g[r1 + 1] = g[r1 + 1]! + s11;
        g[r1 + 2] = g[r1 + 2]! + s12;
        g[r1 + 3] = g[r1 + 3]! + s13;
      }
      for (; k <= j + 1; k++) {
        const d0 = k * n;
        let s0 = 0;
        let s1 = 0;
        for (let i = i0; i < i1; i++) {
          const y = a[d0 + i]!;
          s0 += a[c0 + i]! * y;
          s1 += a[c1 + i]! * y;
        }
        g[j * p + k] = g[j * p + k]! + s0;
        g[(j + 1) * p + k] = g[(j + 1) * p + k]! + s1;
      }
    }
    for (; j < p; j++) {
      const c0 = j * n;
      for (let k = 0; k <= j; k++) {
        const d0 = k * n;
        let s = 0;
        for (let i = i0; i < i1; i++) s += a[c0 + i]! * a[d0 + i]!;
        g[j * p + k] = g[j * p + k]! + s;
      }
    }
  }
  // Entries above the diagonal of each 2-row band were computed too (k up to j + 1): mirror the
  // lower triangle over them so G is exactly symmetric.
  for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) g[j * p + k] = g[k * p + j]!;
  return g;
}

/** True when every value is an integer small enough for the exact int16 Gram kernel. */
function smallIntegers(a: Float64Array, n8: number): boolean {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v !== Math.trunc(v)) return false;
    const m = Math.abs(v);
    if (m > max) max = m;
  }
  return max <= 32767 && max * max * n8 < 2 ** 31;
}

/**
 * `gram(a, n, p)` with the WebAssembly SIMD kernels when `k` is given: int16 multiply-adds (exact)
 * when every value is a small integer, as Numerai's 0-4 features are, else float64 pairs of rows.
 */
export function gramWith(k: Kernels | null, a: Float64Array, n: number, p: number): Float64Array {
  if (!k) return gram(a, n, p);
  const g = new Float64Array(p * p);
  const n8 = Math.ceil(n / 8) * 8;
  if (smallIntegers(a, n8)) {
    const aBytes = n8 * p * 2;
    const base = k.reserve(aBytes + p * p * 4);
    const a16 = new Int16Array(k.memory.buffer, base, n8 * p);
    for (let j = 0; j < p; j++) {
      const off = j * n8;
      for (let i = 0; i < n; i++) a16[off + i] = a[j * n + i]!;
      a16.fill(0, off + n, off + n8);
    }
    const gi = new Int32Array(k.memory.buffer, base + aBytes, p * p);
    gi.fill(0);
    // Blocks of 2,048 rows by 64 columns k: the k columns' block stays in L2, each j pair in L1.
    for (let i0 = 0; i0 < n8; i0 += 2048) {
      const i1 = Math.min(n8, i0 + 2048);
      for (let k0 = 0; k0 < p; k0 += 64) k.gramI16(base, n8, p, base + aBytes, k0, k0 + 64, i0, i1);
    }
    for (let j = 0; j < p; j++) for (let c = 0; c <= j; c++) g[j * p + c] = gi[j * p + c]!;
  } else {
    const aBytes = n * p * 8;
    const base = k.reserve(aBytes + p * p * 8);
    new Float64Array(k.memory.buffer, base, n * p).set(a);
    const gw = new Float64Array(k.memory.buffer, base + aBytes, p * p);
    gw.fill(0);
    for (let i0 = 0; i0 < n; i0 += 512) {
      const i1 = Math.min(n, i0 + 512);
      for (let k0 = 0; k0 < p; k0 += 64) k.gramF64(base, n, p, base + aBytes, k0, k0 + 64, i0, i1);
    }
    for (let j = 0; j < p; j++) for (let c = 0; c <= j; c++) g[j * p + c] = gw[j * p + c]!;
  }
  for (let j = 0; j < p; j++) for (let c = j + 1; c < p; c++) g[j * p + c] = g[c * p + j]!;
  return g;
}
