/**
 * The stored form of a submission's predictions (`submissions.predictions`): one float64 per
 * live id in canonical order, little-endian, 8 bytes each. The canonical CSV is these numbers
 * printed in shortest form (`String(v)`) beside the round's sorted live ids, so nothing of it is
 * lost by storing the numbers alone.
 */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

export function encodePredictions(values: Float64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  return out;
}

export function decodePredictions(bytes: Uint8Array): Float64Array {
  if (bytes.byteLength % 8 !== 0) {
    throw new Error(`stored predictions are ${bytes.byteLength} bytes, not a multiple of 8`);
  }
  const n = bytes.byteLength / 8;
  if (LITTLE_ENDIAN) {
    // A copy: the driver's buffer may start at any offset, and a Float64Array needs 8-aligned.
    return new Float64Array(new Uint8Array(bytes).buffer, 0, n);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}
