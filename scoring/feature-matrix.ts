import { align } from "./align";
import { ScoringError } from "./errors";
import type { Frame } from "./types";
import { assertFinite, assertSameLength } from "./validate";

/**
 * Feature columns aligned to the predictions' ids and validated, in one column-major block:
 * column j holds rows [j * stride, j * stride + n), the rest of its stride zero. Int16 when every
 * value is a small integer (Numerai's 0-4 features: a quarter of float64's memory, exactly the
 * same numbers), else float64. FNC's basis and the feature exposure both read this one copy; the
 * stride is a multiple of 8 rows so the WebAssembly kernels take it as it is. With `shared`, the
 * block lives in a SharedArrayBuffer, so other threads read it in place.
 */
export interface FeatureMatrix {
  /** Rows: the ids shared by predictions and features, sorted. */
  readonly n: number;
  /** Row count padded to a multiple of 8. */
  readonly stride: number;
  readonly names: readonly string[];
  readonly ids: readonly string[];
  /** Positions (in the predictions' id order) of `ids`. */
  readonly index: Int32Array;
  readonly data: Int16Array | Float64Array;
}

/** Column j of `m` (a view, n values). */
export function featureColumn(m: FeatureMatrix, j: number): Int16Array | Float64Array {
  return m.data.subarray(j * m.stride, j * m.stride + m.n);
}

/**
 * Aligns `features` to `predictionIds` (the shared ids, sorted) and validates them: no columns is
 * `empty_input`, a ragged column `length_mismatch`, NaN/Infinity `non_finite_values` (naming the
 * feature and id), over 20% of ids unmatched `too_many_dropped_ids`.
 *
 * @example
 * const m = alignFeatureMatrix(ids, { ids, columns: { f0, f1 } }); // m.data: Int16Array for 0-4
 */
export function alignFeatureMatrix(
  predictionIds: readonly string[],
  features: Frame,
  options: { shared?: boolean } = {},
): FeatureMatrix {
  const names = Object.keys(features.columns);
  if (names.length === 0) throw new ScoringError("empty_input", "features have no columns");
  const al = align([predictionIds, features.ids], ["predictions", "features"]);
  const at = al.index[1]!;
  const n = at.length;
  const stride = Math.ceil(n / 8) * 8;
  let integer = true;
  for (const name of names) {
    const c = features.columns[name]!;
    assertSameLength(c.length, features.ids.length, `feature ${name} vs feature ids`);
    // One pass decides both: small integers are finite; anything else is checked for finiteness.
    if (integer && !smallIntegers(c)) integer = false;
    if (!integer) assertFinite(c, `feature ${name}`, features.ids);
  }
  const count = names.length * stride;
  const bytes = count * (integer ? 2 : 8);
  const buffer = options.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const data = integer ? new Int16Array(buffer) : new Float64Array(buffer);
  names.forEach((name, j) => {
    const c = features.columns[name]!;
    const off = j * stride;
    for (let i = 0; i < n; i++) data[off + i] = c[at[i]!]!;
  });
  return { n, stride, names, ids: al.ids, index: al.index[0]!, data };
}

/** True when every value is an integer in int16's range. */
function smallIntegers(c: Float64Array): boolean {
  for (let i = 0; i < c.length; i++) {
    const v = c[i]!;
    if ((v << 16) >> 16 !== v) return false;
  }
  return true;
}
