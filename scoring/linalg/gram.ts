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

/** Rows per block of the int16 Gram below: the unit threads claim. */
export const GRAM_ROW_BLOCK = 512;
/** `GramJob.control` words: set by the helper when its partial Gram is written; set to stop it. */
const HELPER_DONE = 0;
const STOP = 1;
/** `GramJob.state` per row block: free, claimed by the caller, claimed by the helper. */
const FREE = 0;
const CALLER = 1;
const HELPER = 2;

/**
 * The int16 Gram of some columns of a column-major block (`stride` rows per column, the rows
 * past `n` zero), shared between this thread and a helper thread: both claim row blocks with an
 * atomic compare-and-swap and each sums its blocks' products in int32; the caller adds the
 * helper's partial matrix to its own. Every partial sum is an exact integer, so the result is
 * the same as one thread's, whoever takes which block. All buffers are SharedArrayBuffers.
 */
export interface GramJob {
  readonly kind: "gram";
  readonly data: Int16Array;
  readonly stride: number;
  readonly n: number;
  /** Columns used, in order; the index `count` (one past the last column) is a column of ones. */
  readonly use: Int32Array;
  readonly count: number;
  readonly state: Int32Array;
  readonly control: Int32Array;
  /** The helper's partial Gram, p x p row-major (lower triangle). */
  readonly result: Int32Array;
}

/** Another thread that takes a share of a `GramJob` (see scoring/parallel); it may never start. */
export interface GramHelper {
  help(job: GramJob): void;
}

/**
 * Rows [i0, i1) of columns `use` of `data` copied to `dst` as a block of i1 - i0 rows per
 * column; the index `count` is a column of ones (zero past row n, as the data's padding is).
 */
function packRows(
  dst: Int16Array,
  data: Int16Array,
  stride: number,
  n: number,
  use: Int32Array,
  count: number,
  i0: number,
  i1: number,
): void {
  const len = i1 - i0;
  for (let k = 0; k < use.length; k++) {
    const j = use[k]!;
    const off = k * len;
    if (j === count) {
      const ones = Math.max(0, Math.min(n, i1) - i0);
      dst.fill(1, off, off + ones);
      dst.fill(0, off + ones, off + len);
    } else {
      dst.set(data.subarray(j * stride + i0, j * stride + i1), off);
    }
  }
}

/** True when int32 partial sums of products of these columns cannot overflow. */
export function gramFitsInt32(data: Int16Array, stride: number): boolean {
  let max = 1; // the column of ones
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v > max) max = v;
    else if (-v > max) max = -v;
  }
  return max * max * stride < 2 ** 31;
}

/** Claims row block b for `me` unless another thread has. */
function claim(state: Int32Array, b: number, me: number): boolean {
  return Atomics.compareExchange(state, b, FREE, me) === FREE;
}

/** Kernel memory for the Gram of `p` columns: one packed row block and the int32 matrix. */
function gramScratch(k: Kernels, p: number) {
  const aBytes = GRAM_ROW_BLOCK * p * 2;
  const base = k.reserve(aBytes + p * p * 4);
  const gi = new Int32Array(k.memory.buffer, base + aBytes, p * p);
  gi.fill(0);
  return { base, block: new Int16Array(k.memory.buffer, base, GRAM_ROW_BLOCK * p), gi };
}

/**
 * Goes over the row blocks (ascending, or descending for the helper), packs each that `take`
 * accepts (e.g. claims) and adds its products to the int32 Gram in `scratch`; returns how many.
 */
function claimBlocks(
  k: Kernels,
  job: Omit<GramJob, "kind" | "state" | "control" | "result">,
  scratch: ReturnType<typeof gramScratch>,
  take: (b: number) => boolean,
  me: number,
  stop?: Int32Array,
): number {
  const { data, stride, n, use, count } = job;
  const p = use.length;
  const g = scratch.gi.byteOffset;
  const blocks = Math.ceil(stride / GRAM_ROW_BLOCK);
  let taken = 0;
  for (let s = 0; s < blocks; s++) {
    const b = me === HELPER ? blocks - 1 - s : s;
    if (stop && Atomics.load(stop, STOP) !== 0) break;
    if (!take(b)) continue;
    const i0 = b * GRAM_ROW_BLOCK;
    const i1 = Math.min(stride, i0 + GRAM_ROW_BLOCK);
    packRows(scratch.block, data, stride, n, use, count, i0, i1);
    const len = i1 - i0;
    for (let k0 = 0; k0 < p; k0 += 64) k.gramI16(scratch.base, len, p, g, k0, k0 + 64, 0, len);
    taken++;
  }
  return taken;
}

/**
 * G = A'A (full, row-major p x p) of columns `use` of the int16 block `data`, the index `count`
 * standing for a column of ones, on the WebAssembly kernels; exact (check `gramFitsInt32` first).
 * With `helper` (and `data` in a SharedArrayBuffer) another thread takes some of the row blocks;
 * if it has not finished within `patienceMs` of this thread running out of blocks, this thread
 * redoes the helper's blocks itself.
 */
export function gramI16Columns(
  k: Kernels,
  data: Int16Array,
  stride: number,
  n: number,
  use: Int32Array,
  count: number,
  helper?: GramHelper,
  patienceMs = 30_000,
): Float64Array {
  const p = use.length;
  const scratch = gramScratch(k, p);
  const gi = scratch.gi;
  const shared = helper && data.buffer instanceof SharedArrayBuffer;
  let job: GramJob | null = null;
  if (shared) {
    const i32 = (len: number) => new Int32Array(new SharedArrayBuffer(4 * len));
    job = {
      kind: "gram",
      data,
      stride,
      n,
      use,
      count,
      state: i32(Math.ceil(stride / GRAM_ROW_BLOCK)),
      control: i32(2),
      result: i32(p * p),
    };
    helper.help(job);
  }
  const cols = { data, stride, n, use, count };
  const state = job?.state;
  claimBlocks(k, cols, scratch, (b) => !state || claim(state, b, CALLER), CALLER);
  const g = new Float64Array(p * p);
  let theirs: Int32Array | null = null;
  if (job?.state.includes(HELPER)) {
    const done = Atomics.wait(job.control, HELPER_DONE, 0, patienceMs) !== "timed-out";
    if (done || Atomics.load(job.control, HELPER_DONE) === 1) theirs = job.result;
    else {
      // A lost or stalled helper: its blocks again here (what it writes is not read).
      Atomics.store(job.control, STOP, 1);
      claimBlocks(k, cols, scratch, (b) => job.state[b] === HELPER, CALLER);
    }
  } else if (job) {
    Atomics.store(job.control, STOP, 1);
  }
  for (let j = 0; j < p; j++) {
    for (let c = 0; c <= j; c++) {
      const at = j * p + c;
      g[at] = theirs ? gi[at]! + theirs[at]! : gi[at]!;
    }
  }
  for (let j = 0; j < p; j++) for (let c = j + 1; c < p; c++) g[j * p + c] = g[c * p + j]!;
  return g;
}

/** The helper's side of a `GramJob` (on its own kernel instance), run on another thread. */
export function helpWithGram(k: Kernels, job: GramJob): void {
  try {
    // Nothing left to take (the caller was quicker): no scratch memory.
    if (!job.state.includes(FREE) || Atomics.load(job.control, STOP) !== 0) return;
    const scratch = gramScratch(k, job.use.length);
    const taken = claimBlocks(
      k,
      job,
      scratch,
      (b) => claim(job.state, b, HELPER),
      HELPER,
      job.control,
    );
    if (taken > 0) job.result.set(scratch.gi);
  } finally {
    Atomics.store(job.control, HELPER_DONE, 1);
    Atomics.notify(job.control, HELPER_DONE);
  }
}
