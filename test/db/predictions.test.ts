import { describe, expect, it } from "vitest";
import { canonicalIdOrder } from "../../db/canonical-order";
import { decodePredictions, encodePredictions } from "../../db/predictions";
import { compareIds } from "../../scoring/align";

describe("stored predictions", () => {
  it("round-trip every double bit for bit, from buffers at any offset", () => {
    const values = Float64Array.from([0, -0, 1, 0.1, 0.30000000000000004, 5e-324, 1 - 2 ** -53]);
    const bytes = encodePredictions(values);
    expect(bytes.byteLength).toBe(values.length * 8);
    // Little-endian on disk: 1.0 is 00..f0 3f.
    expect(Array.from(bytes.subarray(16, 24))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    // A driver may hand back a view into a larger buffer at an odd offset.
    const pool = Buffer.alloc(bytes.byteLength + 3);
    pool.set(bytes, 3);
    const back = decodePredictions(pool.subarray(3));
    expect(Array.from(back, (v) => (Object.is(v, -0) ? "-0" : v))).toEqual(
      Array.from(values, (v) => (Object.is(v, -0) ? "-0" : v)),
    );
    // The decoded array is a copy: changing it leaves the driver's buffer alone.
    back[0] = 0.5;
    expect(pool[3]).toBe(0);
  });

  it("refuses content that is not whole doubles", () => {
    expect(() => decodePredictions(new Uint8Array(12))).toThrow(/not a multiple of 8/);
  });
});

describe("canonical id order (db/canonical-order.ts)", () => {
  it("sorts by UTF-16 code units, as scoring's compareIds and pandas' sort_index do", () => {
    const ids = ["b", "a10", "a9", "Z", "é", "z", "_", "A", "😀", "\uffff"];
    const sorted = canonicalIdOrder(ids);
    expect(sorted).toEqual(["A", "Z", "_", "a10", "a9", "b", "z", "é", "😀", "\uffff"]);
    expect(sorted).toEqual([...ids].sort(compareIds));
    expect(ids[0]).toBe("b"); // a copy: the input keeps its order
  });
});
