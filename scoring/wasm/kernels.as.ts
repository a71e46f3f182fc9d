// AssemblyScript source of the neutralizer's WebAssembly SIMD kernels (build: node
// scoring/wasm/build.mjs, which writes kernels.ts). Pointers are byte offsets into the module's
// memory; matrices are column-major (gram) or row-major (syrkLower) float64 unless stated.

/** Grows memory to at least `bytes` and returns the offset where free space starts (8-aligned). */
export function reserve(bytes: usize): usize {
  const base: usize = (__heap_base + 15) & ~15;
  const need = base + bytes;
  const have = <usize>memory.size() << 16;
  if (need > have) memory.grow(<i32>((need - have + 0xffff) >> 16));
  return base;
}

/**
 * G[j][k] (row-major p x p, lower triangle and diagonal; entries above may be written too) +=
 * sum over rows i0 <= i < i1 of A[i][j] A[i][k], for columns k0 <= k < k1 (k0 even) and every
 * j >= k, A column-major n x p float64. Two columns j by four columns k per pass, two rows per
 * SIMD lane pair; the caller walks blocks of rows and of k so that they stay in cache.
 */
export function gramF64(a: usize, n: i32, p: i32, g: usize, k0: i32, k1: i32, i0: i32, i1: i32): void {
  const cs: usize = <usize>n << 3;
  const even = i0 + ((i1 - i0) & ~1);
  for (let j = k0; j < p; j += 2) {
    const two = j + 1 < p;
    const c0 = a + <usize>j * cs;
    const c1 = two ? c0 + cs : c0;
    const kEnd = min(min(k1, j + 2), p);
    let k = k0;
    for (; k + 4 <= kEnd; k += 4) {
      const d0 = a + <usize>k * cs;
      const d1 = d0 + cs;
      const d2 = d1 + cs;
      const d3 = d2 + cs;
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s02 = f64x2.splat(0), s03 = f64x2.splat(0);
      let s10 = f64x2.splat(0), s11 = f64x2.splat(0), s12 = f64x2.splat(0), s13 = f64x2.splat(0);
      for (let i = i0; i < even; i += 2) {
        const o: usize = <usize>i << 3;
        const x0 = v128.load(c0 + o);
        const x1 = v128.load(c1 + o);
        const y0 = v128.load(d0 + o);
        const y1 = v128.load(d1 + o);
        const y2 = v128.load(d2 + o);
        const y3 = v128.load(d3 + o);
        s00 = f64x2.add(s00, f64x2.mul(x0, y0));
        s01 = f64x2.add(s01, f64x2.mul(x0, y1));
        s02 = f64x2.add(s02, f64x2.mul(x0, y2));
        s03 = f64x2.add(s03, f64x2.mul(x0, y3));
        s10 = f64x2.add(s10, f64x2.mul(x1, y0));
        s11 = f64x2.add(s11, f64x2.mul(x1, y1));
        s12 = f64x2.add(s12, f64x2.mul(x1, y2));
        s13 = f64x2.add(s13, f64x2.mul(x1, y3));
      }
      let t00 = hsum(s00), t01 = hsum(s01), t02 = hsum(s02), t03 = hsum(s03);
      let t10 = hsum(s10), t11 = hsum(s11), t12 = hsum(s12), t13 = hsum(s13);
      if (even < i1) {
        const o: usize = <usize>even << 3;
        const x0 = load<f64>(c0 + o);
        const x1 = load<f64>(c1 + o);
        const y0 = load<f64>(d0 + o), y1 = load<f64>(d1 + o), y2 = load<f64>(d2 + o), y3 = load<f64>(d3 + o);
        t00 += x0 * y0; t01 += x0 * y1; t02 += x0 * y2; t03 += x0 * y3;
        t10 += x1 * y0; t11 += x1 * y1; t12 += x1 * y2; t13 += x1 * y3;
      }
      const r0 = g + ((<usize>j * <usize>p + <usize>k) << 3);
      add4(r0, t00, t01, t02, t03);
      if (two) add4(r0 + (<usize>p << 3), t10, t11, t12, t13);
    }
    for (; k < kEnd; k++) {
      const d0 = a + <usize>k * cs;
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
      for (let i = i0; i < even; i += 2) {
        const o: usize = <usize>i << 3;
        const y = v128.load(d0 + o);
        s0 = f64x2.add(s0, f64x2.mul(v128.load(c0 + o), y));
        s1 = f64x2.add(s1, f64x2.mul(v128.load(c1 + o), y));
      }
      let t0 = hsum(s0), t1 = hsum(s1);
      if (even < i1) {
        const o: usize = <usize>even << 3;
        const y = load<f64>(d0 + o);
        t0 += load<f64>(c0 + o) * y;
        t1 += load<f64>(c1 + o) * y;
      }
      const r0 = g + ((<usize>j * <usize>p + <usize>k) << 3);
      store<f64>(r0, load<f64>(r0) + t0);
      if (two) store<f64>(r0 + (<usize>p << 3), load<f64>(r0 + (<usize>p << 3)) + t1);
    }
  }
}

/**
 * Exact Gram of small integers, blocked as gramF64: A column-major n x p int16 (n a multiple of
 * 8, zero-padded; i0, i1 multiples of 8), G row-major p x p int32 (lower triangle and diagonal)
 * += the rows' products. Valid while max|A|^2 * n < 2^31. i32x4.dot_i16x8_s does eight
 * multiply-adds per instruction.
 */
export function gramI16(a: usize, n: i32, p: i32, g: usize, k0: i32, k1: i32, i0: i32, i1: i32): void {
  const cs: usize = <usize>n << 1;
  for (let j = k0; j < p; j += 2) {
    const two = j + 1 < p;
    const c0 = a + <usize>j * cs;
    const c1 = two ? c0 + cs : c0;
    const kEnd = min(min(k1, j + 2), p);
    let k = k0;
    for (; k + 4 <= kEnd; k += 4) {
      const d0 = a + <usize>k * cs;
      const d1 = d0 + cs;
      const d2 = d1 + cs;
      const d3 = d2 + cs;
      let s00 = i32x4.splat(0), s01 = i32x4.splat(0), s02 = i32x4.splat(0), s03 = i32x4.splat(0);
      let s10 = i32x4.splat(0), s11 = i32x4.splat(0), s12 = i32x4.splat(0), s13 = i32x4.splat(0);
      for (let i = i0; i < i1; i += 8) {
        const o: usize = <usize>i << 1;
        const x0 = v128.load(c0 + o);
        const x1 = v128.load(c1 + o);
        const y0 = v128.load(d0 + o);
        const y1 = v128.load(d1 + o);
        const y2 = v128.load(d2 + o);
        const y3 = v128.load(d3 + o);
        s00 = i32x4.add(s00, i32x4.dot_i16x8_s(x0, y0));
        s01 = i32x4.add(s01, i32x4.dot_i16x8_s(x0, y1));
        s02 = i32x4.add(s02, i32x4.dot_i16x8_s(x0, y2));
        s03 = i32x4.add(s03, i32x4.dot_i16x8_s(x0, y3));
        s10 = i32x4.add(s10, i32x4.dot_i16x8_s(x1, y0));
        s11 = i32x4.add(s11, i32x4.dot_i16x8_s(x1, y1));
        s12 = i32x4.add(s12, i32x4.dot_i16x8_s(x1, y2));
        s13 = i32x4.add(s13, i32x4.dot_i16x8_s(x1, y3));
      }
      const r0 = g + ((<usize>j * <usize>p + <usize>k) << 2);
      iadd4(r0, isum(s00), isum(s01), isum(s02), isum(s03));
      if (two) iadd4(r0 + (<usize>p << 2), isum(s10), isum(s11), isum(s12), isum(s13));
    }
    for (; k < kEnd; k++) {
      const d0 = a + <usize>k * cs;
      let s0 = i32x4.splat(0), s1 = i32x4.splat(0);
      for (let i = i0; i < i1; i += 8) {
        const o: usize = <usize>i << 1;
        const y = v128.load(d0 + o);
        s0 = i32x4.add(s0, i32x4.dot_i16x8_s(v128.load(c0 + o), y));
        s1 = i32x4.add(s1, i32x4.dot_i16x8_s(v128.load(c1 + o), y));
      }
      const r0 = g + ((<usize>j * <usize>p + <usize>k) << 2);
      store<i32>(r0, load<i32>(r0) + isum(s0));
      if (two) store<i32>(r0 + (<usize>p << 2), load<i32>(r0 + (<usize>p << 2)) + isum(s1));
    }
  }
}

/**
 * Trailing update of a panel-blocked Cholesky: for j1 <= l <= i < p,
 * S[i][l] -= sum over j0 <= k < j1 of S[i][k] S[l][k] (S row-major p x p float64; j0 even).
 */
export function syrkLower(s: usize, p: i32, j0: i32, j1: i32): void {
  const rs: usize = <usize>p << 3;
  const kEven = j0 + ((j1 - j0) & ~1);
  for (let i = j1; i < p; i += 2) {
    const two = i + 1 < p;
    const ri = s + <usize>i * rs;
    const ri1 = two ? ri + rs : ri;
    let l = j1;
    for (; l + 3 <= i + 1 && l + 3 < p; l += 4) {
      const rl0 = s + <usize>l * rs;
      const rl1 = rl0 + rs;
      const rl2 = rl1 + rs;
      const rl3 = rl2 + rs;
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s02 = f64x2.splat(0), s03 = f64x2.splat(0);
      let s10 = f64x2.splat(0), s11 = f64x2.splat(0), s12 = f64x2.splat(0), s13 = f64x2.splat(0);
      for (let k = j0; k < kEven; k += 2) {
        const o: usize = <usize>k << 3;
        const x0 = v128.load(ri + o);
        const x1 = v128.load(ri1 + o);
        const y0 = v128.load(rl0 + o);
        const y1 = v128.load(rl1 + o);
        const y2 = v128.load(rl2 + o);
        const y3 = v128.load(rl3 + o);
        s00 = f64x2.add(s00, f64x2.mul(x0, y0));
        s01 = f64x2.add(s01, f64x2.mul(x0, y1));
        s02 = f64x2.add(s02, f64x2.mul(x0, y2));
        s03 = f64x2.add(s03, f64x2.mul(x0, y3));
        s10 = f64x2.add(s10, f64x2.mul(x1, y0));
        s11 = f64x2.add(s11, f64x2.mul(x1, y1));
        s12 = f64x2.add(s12, f64x2.mul(x1, y2));
        s13 = f64x2.add(s13, f64x2.mul(x1, y3));
      }
      let t00 = hsum(s00), t01 = hsum(s01), t02 = hsum(s02), t03 = hsum(s03);
      let t10 = hsum(s10), t11 = hsum(s11), t12 = hsum(s12), t13 = hsum(s13);
      if (kEven < j1) {
        const o: usize = <usize>kEven << 3;
        const x0 = load<f64>(ri + o), x1 = load<f64>(ri1 + o);
        const y0 = load<f64>(rl0 + o), y1 = load<f64>(rl1 + o), y2 = load<f64>(rl2 + o), y3 = load<f64>(rl3 + o);
        t00 += x0 * y0; t01 += x0 * y1; t02 += x0 * y2; t03 += x0 * y3;
        t10 += x1 * y0; t11 += x1 * y1; t12 += x1 * y2; t13 += x1 * y3;
      }
      sub4(ri + (<usize>l << 3), t00, t01, t02, t03);
      if (two) sub4(ri1 + (<usize>l << 3), t10, t11, t12, t13);
    }
    for (; l <= i + 1 && l < p; l++) {
      const rl = s + <usize>l * rs;
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
      for (let k = j0; k < kEven; k += 2) {
        const o: usize = <usize>k << 3;
        const y = v128.load(rl + o);
        s0 = f64x2.add(s0, f64x2.mul(v128.load(ri + o), y));
        s1 = f64x2.add(s1, f64x2.mul(v128.load(ri1 + o), y));
      }
      let t0 = hsum(s0), t1 = hsum(s1);
      if (kEven < j1) {
        const o: usize = <usize>kEven << 3;
        const y = load<f64>(rl + o);
        t0 += load<f64>(ri + o) * y;
        t1 += load<f64>(ri1 + o) * y;
      }
      const o: usize = <usize>l << 3;
      if (l <= i) store<f64>(ri + o, load<f64>(ri + o) - t0);
      if (two) store<f64>(ri1 + o, load<f64>(ri1 + o) - t1);
    }
  }
}

// @ts-expect-error: decorator
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// @ts-expect-error: decorator
@inline function isum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

// @ts-expect-error: decorator
@inline function add4(r: usize, a: f64, b: f64, c: f64, d: f64): void {
  store<f64>(r, load<f64>(r) + a);
  store<f64>(r + 8, load<f64>(r + 8) + b);
  store<f64>(r + 16, load<f64>(r + 16) + c);
  store<f64>(r + 24, load<f64>(r + 24) + d);
}

// @ts-expect-error: decorator
@inline function sub4(r: usize, a: f64, b: f64, c: f64, d: f64): void {
  store<f64>(r, load<f64>(r) - a);
  store<f64>(r + 8, load<f64>(r + 8) - b);
  store<f64>(r + 16, load<f64>(r + 16) - c);
  store<f64>(r + 24, load<f64>(r + 24) - d);
}

// @ts-ignore: decorator
@inline function iadd4(r: usize, a: i32, b: i32, c: i32, d: i32): void {
  store<i32>(r, load<i32>(r) + a);
  store<i32>(r + 4, load<i32>(r + 4) + b);
  store<i32>(r + 8, load<i32>(r + 8) + c);
  store<i32>(r + 12, load<i32>(r + 12) + d);
}

/**
 * out[j] = sum over i < n of A[i][j] y[i] for j < k: A column-major n x k int16 (n a multiple
 * of 8, zero-padded), y float64 (zero-padded to n).
 */
export function colDotsI16(a: usize, n: i32, k: i32, y: usize, out: usize): void {
  const cs: usize = <usize>n << 1;
  for (let j = 0; j < k; j++) {
    const c = a + <usize>j * cs;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    for (let i = 0; i < n; i += 8) {
      const v = v128.load(c + (<usize>i << 1));
      const lo = i32x4.extend_low_i16x8_s(v);
      const hi = i32x4.extend_high_i16x8_s(v);
      const yo = y + (<usize>i << 3);
      s0 = f64x2.add(s0, f64x2.mul(f64x2.convert_low_i32x4_s(lo), v128.load(yo)));
      s1 = f64x2.add(s1, f64x2.mul(f64x2.convert_low_i32x4_s(v128.shuffle<i32>(lo, lo, 2, 3, 0, 1)), v128.load(yo + 16)));
      s2 = f64x2.add(s2, f64x2.mul(f64x2.convert_low_i32x4_s(hi), v128.load(yo + 32)));
      s3 = f64x2.add(s3, f64x2.mul(f64x2.convert_low_i32x4_s(v128.shuffle<i32>(hi, hi, 2, 3, 0, 1)), v128.load(yo + 48)));
    }
    store<f64>(out + (<usize>j << 3), hsum(f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3))));
  }
}

/**
 * f[i] = sum over j < k, in that order, of A[i][j] x[j] (A as colDotsI16): every row gets the
 * same operations (one multiply, one add per column, no reassociation), so equal rows get equal
 * sums, bit for bit the same as the plain loop `f[i] = f[i] + a * x[j]`.
 */
export function fittedI16(a: usize, n: i32, k: i32, x: usize, f: usize): void {
  const cs: usize = <usize>n << 1;
  for (let i0 = 0; i0 < n; i0 += 1024) {
    const i1 = min(n, i0 + 1024);
    for (let i = i0; i < i1; i += 2) v128.store(f + (<usize>i << 3), f64x2.splat(0));
    for (let j = 0; j < k; j++) {
      const c = a + <usize>j * cs;
      const xj = f64x2.splat(load<f64>(x + (<usize>j << 3)));
      for (let i = i0; i < i1; i += 8) {
        const v = v128.load(c + (<usize>i << 1));
        const lo = i32x4.extend_low_i16x8_s(v);
        const hi = i32x4.extend_high_i16x8_s(v);
        const fo = f + (<usize>i << 3);
        v128.store(fo, f64x2.add(v128.load(fo), f64x2.mul(f64x2.convert_low_i32x4_s(lo), xj)));
        v128.store(fo + 16, f64x2.add(v128.load(fo + 16), f64x2.mul(f64x2.convert_low_i32x4_s(v128.shuffle<i32>(lo, lo, 2, 3, 0, 1)), xj)));
        v128.store(fo + 32, f64x2.add(v128.load(fo + 32), f64x2.mul(f64x2.convert_low_i32x4_s(hi), xj)));
        v128.store(fo + 48, f64x2.add(v128.load(fo + 48), f64x2.mul(f64x2.convert_low_i32x4_s(v128.shuffle<i32>(hi, hi, 2, 3, 0, 1)), xj)));
      }
    }
  }
}

/** colDotsI16 for float64 A (n even, zero-padded). */
export function colDotsF64(a: usize, n: i32, k: i32, y: usize, out: usize): void {
  const cs: usize = <usize>n << 3;
  for (let j = 0; j < k; j++) {
    const c = a + <usize>j * cs;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o: usize = <usize>i << 3;
      s0 = f64x2.add(s0, f64x2.mul(v128.load(c + o), v128.load(y + o)));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(c + o + 16), v128.load(y + o + 16)));
    }
    for (; i < n; i += 2) {
      const o: usize = <usize>i << 3;
      s0 = f64x2.add(s0, f64x2.mul(v128.load(c + o), v128.load(y + o)));
    }
    store<f64>(out + (<usize>j << 3), hsum(f64x2.add(s0, s1)));
  }
}

/** fittedI16 for float64 A (n even, zero-padded). */
export function fittedF64(a: usize, n: i32, k: i32, x: usize, f: usize): void {
  const cs: usize = <usize>n << 3;
  for (let i0 = 0; i0 < n; i0 += 1024) {
    const i1 = min(n, i0 + 1024);
    for (let i = i0; i < i1; i += 2) v128.store(f + (<usize>i << 3), f64x2.splat(0));
    for (let j = 0; j < k; j++) {
      const c = a + <usize>j * cs;
      const xj = f64x2.splat(load<f64>(x + (<usize>j << 3)));
      for (let i = i0; i < i1; i += 2) {
        const o: usize = <usize>i << 3;
        v128.store(f + o, f64x2.add(v128.load(f + o), f64x2.mul(v128.load(c + o), xj)));
      }
    }
  }
}

/**
 * Solves L L' z = c in place (c, then z, at `z`: k float64; L lower triangular at `l`, its rows
 * packed: row j's j + 1 entries start at entry j (j + 1) / 2): forward substitution by rows,
 * eight partial sums per row so the additions do not wait on each other, then backward
 * substitution by rows of L (z[0..j) -= z[j] L[j][0..j)).
 */
export function cholSolve(l: usize, k: i32, z: usize): void {
  for (let j = 0; j < k; j++) {
    const r = l + ((<usize>j * <usize>(j + 1)) << 2);
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let q = 0;
    for (; q + 8 <= j; q += 8) {
      const o: usize = <usize>q << 3;
      s0 = f64x2.add(s0, f64x2.mul(v128.load(r + o), v128.load(z + o)));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(r + o + 16), v128.load(z + o + 16)));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(r + o + 32), v128.load(z + o + 32)));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(r + o + 48), v128.load(z + o + 48)));
    }
    let s = hsum(f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3)));
    for (; q < j; q++) s += load<f64>(r + (<usize>q << 3)) * load<f64>(z + (<usize>q << 3));
    const zj = z + (<usize>j << 3);
    store<f64>(zj, (load<f64>(zj) - s) / load<f64>(r + (<usize>j << 3)));
  }
  for (let j = k - 1; j >= 0; j--) {
    const r = l + ((<usize>j * <usize>(j + 1)) << 2);
    const zj = z + (<usize>j << 3);
    const x = load<f64>(zj) / load<f64>(r + (<usize>j << 3));
    store<f64>(zj, x);
    const xv = f64x2.splat(x);
    let q = 0;
    for (; q + 2 <= j; q += 2) {
      const o: usize = <usize>q << 3;
      v128.store(z + o, f64x2.sub(v128.load(z + o), f64x2.mul(xv, v128.load(r + o))));
    }
    if (q < j) {
      const o: usize = <usize>q << 3;
      store<f64>(z + o, load<f64>(z + o) - x * load<f64>(r + o));
    }
  }
}
