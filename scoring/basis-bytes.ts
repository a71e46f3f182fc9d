import { ScoringError } from "./errors";
import type { NeutralBasis } from "./neutralize";

const MAGIC_V1 = 0x4e42_0001; // "NB", format 1: chol stored whole
const MAGIC = 0x4e42_0002; // "NB", format 2: chol's lower triangle only
const METHODS = ["gram", "svd"] as const;
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * A neutralization basis as bytes, to store it once built (a validation set's eras are prepared
 * once and scored many times, possibly by another process). The basis' copy of the feature
 * columns (`a`) is left out: `decodeNeutralBasis` takes it back from the same features, so the
 * stored form is the factorization only. The Gram route's Cholesky factor is lower triangular:
 * only its lower triangle is stored, row by row (half the bytes of the rank x rank matrix).
 *
 * Layout (little-endian): int32 magic, method, n, rank, columns, a-is-int16, float64 sigmaMax,
 * then int32 columns (padded to 8 bytes), then float64 k (chol is k x k), invNorm's and pinv's
 * lengths, then float64 chol (k (k + 1) / 2, row i's first i + 1 entries), invNorm, pinv.
 * Format 1 (chol whole, k * k in the first length) is still read.
 */
export function encodeNeutralBasis(b: NeutralBasis): Uint8Array {
  const m = b.columns.length;
  const k = Math.round(Math.sqrt(b.chol.length));
  if (k * k !== b.chol.length) {
    throw new ScoringError("invalid_argument", "basis: chol is not a square matrix");
  }
  const packed = (k * (k + 1)) / 2;
  const colBytes = Math.ceil((m * 4) / 8) * 8;
  const size = 32 + colBytes + 24 + (packed + b.invNorm.length + b.pinv.length) * 8;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setInt32(0, MAGIC, true);
  v.setInt32(4, METHODS.indexOf(b.method), true);
  v.setInt32(8, b.n, true);
  v.setInt32(12, b.rank, true);
  v.setInt32(16, m, true);
  v.setInt32(20, b.a instanceof Int16Array ? 1 : 0, true);
  v.setFloat64(24, b.sigmaMax, true);
  let o = 32;
  for (let j = 0; j < m; j++) v.setInt32(o + j * 4, b.columns[j]!, true);
  o += colBytes;
  v.setFloat64(o, k, true);
  v.setFloat64(o + 8, b.invNorm.length, true);
  v.setFloat64(o + 16, b.pinv.length, true);
  o += 24;
  // Every float64 below starts 8-aligned in `out`: written in place on little-endian hosts.
  const floats = (len: number) => {
    const at = o;
    o += len * 8;
    return LITTLE_ENDIAN ? new Float64Array(out.buffer, at, len) : null;
  };
  const put = (arr: Float64Array, from: number, to: number) => {
    const dst = floats(to - from);
    if (dst) dst.set(arr.subarray(from, to));
    else for (let i = from; i < to; i++) v.setFloat64(o - (to - i) * 8, arr[i]!, true);
  };
  for (let i = 0; i < k; i++) put(b.chol, i * k, i * k + i + 1);
  put(b.invNorm, 0, b.invNorm.length);
  put(b.pinv, 0, b.pinv.length);
  return out;
}

/** `len` little-endian float64 at `o` of `bytes`, as a fresh (aligned) array. */
function readFloats(bytes: Uint8Array, v: DataView, o: number, len: number): Float64Array {
  if (LITTLE_ENDIAN) {
    const start = bytes.byteOffset + o;
    return new Float64Array(bytes.buffer.slice(start, start + len * 8));
  }
  const arr = new Float64Array(len);
  for (let i = 0; i < len; i++) arr[i] = v.getFloat64(o + i * 8, true);
  return arr;
}

/**
 * The basis `encodeNeutralBasis` stored, over the same feature columns it was built from
 * (`features`, in the same order; the column of ones is added back). Bytes of another format,
 * or features of another shape: `invalid_argument`.
 */
export function decodeNeutralBasis(
  bytes: Uint8Array,
  features: readonly ArrayLike<number>[],
): NeutralBasis {
  const bad = (why: string) => new ScoringError("invalid_argument", `stored basis: ${why}`);
  if (bytes.byteLength < 56) throw bad("too short");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = v.getInt32(0, true);
  if (magic !== MAGIC && magic !== MAGIC_V1) throw bad("not a stored basis");
  const method = METHODS[v.getInt32(4, true)];
  if (!method) throw bad("unknown method");
  const n = v.getInt32(8, true);
  const rank = v.getInt32(12, true);
  const m = v.getInt32(16, true);
  const int16 = v.getInt32(20, true) === 1;
  const sigmaMax = v.getFloat64(24, true);
  let o = 32;
  if (m < 0 || bytes.byteLength < 56 + m * 4) throw bad("length does not match its contents");
  const columns = new Int32Array(m);
  for (let j = 0; j < m; j++) columns[j] = v.getInt32(o + j * 4, true);
  o += Math.ceil((m * 4) / 8) * 8;
  const [first, invLen, pinvLen] = [0, 1, 2].map((i) => v.getFloat64(o + i * 8, true)) as [
    number,
    number,
    number,
  ];
  o += 24;
  // Format 1 gives chol's length (k * k), format 2 its order k.
  const k = magic === MAGIC ? first : Math.round(Math.sqrt(first));
  const stored = magic === MAGIC ? (k * (k + 1)) / 2 : k * k;
  const lengths = [stored, invLen, pinvLen];
  if (
    (magic === MAGIC_V1 && k * k !== first) ||
    lengths.some((x) => !Number.isInteger(x) || x < 0) ||
    o + (stored + invLen + pinvLen) * 8 !== bytes.byteLength
  ) {
    throw bad("length does not match its contents");
  }
  let chol: Float64Array;
  if (magic === MAGIC_V1) {
    chol = readFloats(bytes, v, o, stored);
  } else {
    const tri = readFloats(bytes, v, o, stored);
    chol = new Float64Array(k * k);
    for (let i = 0, t = 0; i < k; t += ++i) chol.set(tri.subarray(t, t + i + 1), i * k);
  }
  o += stored * 8;
  const invNorm = readFloats(bytes, v, o, invLen);
  o += invLen * 8;
  const pinv = readFloats(bytes, v, o, pinvLen);
  const a = int16 ? new Int16Array(n * m) : new Float64Array(n * m);
  for (let c = 0; c < m; c++) {
    const j = columns[c]!;
    if (j === features.length) {
      a.fill(1, c * n, (c + 1) * n);
      continue;
    }
    const col = features[j];
    if (!col || col.length !== n) throw bad(`feature column ${j} is not ${n} long`);
    // Typed arrays convert natively (the values are the same numbers the basis was built from).
    if (ArrayBuffer.isView(col)) a.set(col as unknown as ArrayLike<number>, c * n);
    else for (let i = 0; i < n; i++) a[c * n + i] = col[i]!;
  }
  return { n, rank, method, columns, a, chol, invNorm, pinv, sigmaMax };
}
