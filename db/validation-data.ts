import { decodePredictions, encodePredictions } from "./predictions";

/**
 * The stored form of a validation era's columns (`validation_eras`): float64 vectors as
 * `encodePredictions` writes them, and feature columns column-major, in the smallest type that
 * holds every value exactly: int8 (Numerai's 0-4 features: an eighth of the bytes), int16, else
 * float64.
 */
export const encodeFloat64 = encodePredictions;
export const decodeFloat64 = decodePredictions;

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

export type FeatureType = "i8" | "i16" | "f64";

const WIDTH: Record<FeatureType, number> = { i8: 1, i16: 2, f64: 8 };

/** The smallest type that holds every value of the columns exactly. */
function featureType(columns: readonly ArrayLike<number>[]): FeatureType {
  let type: FeatureType = "i8";
  for (const c of columns) {
    for (let i = 0; i < c.length; i++) {
      const v = c[i]!;
      if (v !== Math.trunc(v) || v > 32767 || v < -32768) return "f64";
      if (v > 127 || v < -128) type = "i16";
    }
  }
  return type;
}

/** Feature columns (each `n` long) as bytes, and the element type chosen. */
export function encodeFeatures(columns: readonly ArrayLike<number>[]): {
  type: FeatureType;
  bytes: Uint8Array;
} {
  const n = columns[0]?.length ?? 0;
  const type = featureType(columns);
  const width = WIDTH[type];
  const out = new Uint8Array(n * columns.length * width);
  const v = new DataView(out.buffer);
  columns.forEach((c, j) => {
    const base = j * n * width;
    if (type === "i8") new Int8Array(out.buffer, base, n).set(c);
    else if (type === "i16") for (let i = 0; i < n; i++) v.setInt16(base + i * 2, c[i]!, true);
    else for (let i = 0; i < n; i++) v.setFloat64(base + i * 8, c[i]!, true);
  });
  return { type, bytes: out };
}

/** The `count` feature columns `encodeFeatures` stored, as float64 (what the scorer takes). */
export function decodeFeatures(
  bytes: Uint8Array,
  type: FeatureType,
  count: number,
): Float64Array[] {
  const width = WIDTH[type];
  if (!width) throw new Error(`unknown stored feature type ${type}`);
  const n = count === 0 ? 0 : bytes.byteLength / (count * width);
  if (!Number.isInteger(n)) {
    throw new Error(
      `stored features are ${bytes.byteLength} bytes, not ${count} columns of ${width}`,
    );
  }
  if (type === "i8") {
    const all = new Int8Array(bytes.buffer, bytes.byteOffset, n * count);
    return Array.from(
      { length: count },
      (_, j) => new Float64Array(all.subarray(j * n, (j + 1) * n)),
    );
  }
  if (LITTLE_ENDIAN) {
    // One aligned copy of the bytes, then each column converted natively.
    const copy = bytes.slice().buffer;
    if (type === "f64") {
      const all = new Float64Array(copy, 0, n * count);
      return Array.from({ length: count }, (_, j) => all.subarray(j * n, (j + 1) * n));
    }
    const all = new Int16Array(copy, 0, n * count);
    return Array.from(
      { length: count },
      (_, j) => new Float64Array(all.subarray(j * n, (j + 1) * n)),
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, j) => {
    const c = new Float64Array(n);
    const base = j * n * width;
    for (let i = 0; i < n; i++) {
      c[i] = type === "i16" ? v.getInt16(base + i * 2, true) : v.getFloat64(base + i * 8, true);
    }
    return c;
  });
}
