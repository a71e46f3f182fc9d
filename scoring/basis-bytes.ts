import { ScoringError } from "./errors";
import type { NeutralBasis } from "./neutralize";

const MAGIC = 0x4e42_0001; // "NB", format 1
const METHODS = ["gram", "svd"] as const;

/**
 * A neutralization basis as bytes, to store it once built (a validation set's eras are prepared
 * once and scored many times, possibly by another process). The basis' copy of the feature
 * columns (`a`) is left out: `decodeNeutralBasis` takes it back from the same features, so the
 * stored form is the factorization only (rank x rank for the Gram route).
 *
 * Layout (little-endian): int32 magic, method, n, rank, columns, a-is-int16, float64 sigmaMax,
 * then int32 columns (padded to 8 bytes), float64 chol, invNorm, pinv with their lengths first.
 */
export function encodeNeutralBasis(b: NeutralBasis): Uint8Array {
  const m = b.columns.length;
  const colBytes = Math.ceil((m * 4) / 8) * 8;
  const size = 32 + colBytes + 24 + (b.chol.length + b.invNorm.length + b.pinv.length) * 8;
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
  for (const arr of [b.chol, b.invNorm, b.pinv]) {
    v.setFloat64(o, arr.length, true);
    o += 8;
  }
  for (const arr of [b.chol, b.invNorm, b.pinv]) {
    for (let i = 0; i < arr.length; i++) v.setFloat64(o + i * 8, arr[i]!, true);
    o += arr.length * 8;
  }
  return out;
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
  if (v.getInt32(0, true) !== MAGIC) throw bad("not a stored basis");
  const method = METHODS[v.getInt32(4, true)];
  if (!method) throw bad("unknown method");
  const n = v.getInt32(8, true);
  const rank = v.getInt32(12, true);
  const m = v.getInt32(16, true);
  const int16 = v.getInt32(20, true) === 1;
  const sigmaMax = v.getFloat64(24, true);
  let o = 32;
  const columns = new Int32Array(m);
  for (let j = 0; j < m; j++) columns[j] = v.getInt32(o + j * 4, true);
  o += Math.ceil((m * 4) / 8) * 8;
  const lengths = [0, 1, 2].map((k) => v.getFloat64(o + k * 8, true));
  o += 24;
  const [chol, invNorm, pinv] = lengths.map((len) => {
    const arr = new Float64Array(len);
    for (let i = 0; i < len; i++) arr[i] = v.getFloat64(o + i * 8, true);
    o += len * 8;
    return arr;
  }) as [Float64Array, Float64Array, Float64Array];
  if (o !== bytes.byteLength) throw bad("length does not match its contents");
  const a = int16 ? new Int16Array(n * m) : new Float64Array(n * m);
  for (let k = 0; k < m; k++) {
    const j = columns[k]!;
    if (j === features.length) {
      a.fill(1, k * n, (k + 1) * n);
      continue;
    }
    const c = features[j];
    if (!c || c.length !== n) throw bad(`feature column ${j} is not ${n} long`);
    for (let i = 0; i < n; i++) a[k * n + i] = c[i]!;
  }
  return { n, rank, method, columns, a, chol, invNorm, pinv, sigmaMax };
}
