import { decodePredictions, encodePredictions } from "./predictions";

/**
 * The stored form of a validation era's columns (`validation_eras`): float64 vectors as
 * `encodePredictions` writes them, and feature columns column-major, as int16 when every value
 * is an integer in its range (Numerai's 0-4 features: a quarter of the bytes, the same numbers).
 */
export const encodeFloat64 = encodePredictions;
export const decodeFloat64 = decodePredictions;

export type FeatureType = "i16" | "f64";

function smallIntegers(columns: readonly ArrayLike<number>[]): boolean {
  for (const c of columns) {
    for (let i = 0; i < c.length; i++) {
      const v = c[i]!;
      if (v !== Math.trunc(v) || v > 32767 || v < -32768) return false;
    }
  }
  return true;
}

/** Feature columns (each `n` long) as bytes, and the element type chosen. */
export function encodeFeatures(columns: readonly ArrayLike<number>[]): {
  type: FeatureType;
  bytes: Uint8Array;
} {
  const n = columns[0]?.length ?? 0;
  const type: FeatureType = smallIntegers(columns) ? "i16" : "f64";
  const width = type === "i16" ? 2 : 8;
  const out = new Uint8Array(n * columns.length * width);
  const v = new DataView(out.buffer);
  columns.forEach((c, j) => {
    const base = j * n * width;
    for (let i = 0; i < n; i++) {
      if (type === "i16") v.setInt16(base + i * 2, c[i]!, true);
      else v.setFloat64(base + i * 8, c[i]!, true);
    }
  });
  return { type, bytes: out };
}

/** The `count` feature columns `encodeFeatures` stored, as float64 (what the scorer takes). */
export function decodeFeatures(
  bytes: Uint8Array,
  type: FeatureType,
  count: number,
): Float64Array[] {
  const width = type === "i16" ? 2 : 8;
  const n = count === 0 ? 0 : bytes.byteLength / (count * width);
  if (!Number.isInteger(n)) {
    throw new Error(
      `stored features are ${bytes.byteLength} bytes, not ${count} columns of ${width}`,
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
