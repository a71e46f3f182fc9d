import { describe, expect, it } from "vitest";
import { decodeFeatures, encodeFeatures } from "../../db";
import {
  decodeNeutralBasis,
  encodeNeutralBasis,
  type NeutralBasis,
  neutralize,
  ScoringError,
} from "../../scoring";
import { neutralBasisInner } from "../../scoring/neutralize";
import { rng } from "../helpers/common";

/** Integer features 0-4 with a duplicated and a constant column (rank-deficient, as Numerai's). */
function features(seed: number, n = 300, m = 12): Float64Array[] {
  const r = rng(seed);
  const cols = Array.from({ length: m }, () =>
    Float64Array.from({ length: n }, () => (r() * 5) | 0),
  );
  cols.push(Float64Array.from(cols[0]!));
  cols.push(new Float64Array(n).fill(2));
  return cols;
}

/** The stored form of format 1 (chol kept whole), as bases stored before format 2 were written. */
function encodeV1(b: NeutralBasis): Uint8Array {
  const m = b.columns.length;
  const colBytes = Math.ceil((m * 4) / 8) * 8;
  const arrays = [b.chol, b.invNorm, b.pinv];
  const out = new Uint8Array(32 + colBytes + 24 + arrays.reduce((s, a) => s + a.length * 8, 0));
  const v = new DataView(out.buffer);
  const head = [0x4e42_0001, b.method === "gram" ? 0 : 1, b.n, b.rank, m];
  head.push(b.a instanceof Int16Array ? 1 : 0);
  for (let i = 0; i < head.length; i++) v.setInt32(i * 4, head[i]!, true);
  v.setFloat64(24, b.sigmaMax, true);
  for (let j = 0; j < m; j++) v.setInt32(32 + j * 4, b.columns[j]!, true);
  let o = 32 + colBytes;
  for (const a of arrays) {
    v.setFloat64(o, a.length, true);
    o += 8;
  }
  for (const a of arrays) {
    for (const x of a) {
      v.setFloat64(o, x, true);
      o += 8;
    }
  }
  return out;
}

const same = (a: NeutralBasis, b: NeutralBasis) => {
  expect(b.method).toBe(a.method);
  expect([b.n, b.rank, b.sigmaMax]).toEqual([a.n, a.rank, a.sigmaMax]);
  expect(Array.from(b.columns)).toEqual(Array.from(a.columns));
  expect(b.a.constructor).toBe(a.a.constructor);
  expect(Buffer.from(b.a.buffer, b.a.byteOffset, b.a.byteLength)).toEqual(
    Buffer.from(a.a.buffer, a.a.byteOffset, a.a.byteLength),
  );
  for (const k of ["chol", "invNorm", "pinv"] as const) expect(b[k]).toEqual(a[k]);
};

describe("stored neutralization basis", () => {
  for (const route of ["gram", "svd"] as const) {
    it(`gives back the ${route} basis bit for bit, and the same neutralized values`, () => {
      const cols = features(route === "gram" ? 3 : 4);
      const basis = neutralBasisInner(cols, undefined, route === "svd");
      expect(basis.method).toBe(route);
      const bytes = encodeNeutralBasis(basis);
      const back = decodeNeutralBasis(bytes, cols);
      same(basis, back);
      const y = Float64Array.from({ length: cols[0]!.length }, (_, i) => Math.sin(i) + (i % 7));
      expect(neutralize(y, back)).toEqual(neutralize(y, basis));
      // Decoded from the stored column types as well (what the worker passes).
      same(
        basis,
        decodeNeutralBasis(
          bytes,
          cols.map((c) => Int8Array.from(c)),
        ),
      );
    });
  }

  it("stores only the lower triangle of the Cholesky factor (format 2)", () => {
    const cols = features(5);
    const basis = neutralBasisInner(cols);
    const k = basis.rank;
    expect(basis.chol.length).toBe(k * k);
    const v2 = encodeNeutralBasis(basis);
    const v1 = encodeV1(basis);
    expect(v1.byteLength - v2.byteLength).toBe(((k * (k - 1)) / 2) * 8);
    expect(new DataView(v2.buffer).getInt32(0, true)).toBe(0x4e42_0002);
  });

  it("still reads bases stored in format 1", () => {
    for (const forceSvd of [false, true]) {
      const cols = features(6);
      const basis = neutralBasisInner(cols, undefined, forceSvd);
      same(basis, decodeNeutralBasis(encodeV1(basis), cols));
    }
  });

  it("refuses bytes of another shape with invalid_argument", () => {
    const cols = features(7);
    const bytes = encodeNeutralBasis(neutralBasisInner(cols));
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof ScoringError ? e.code : String(e);
      }
      return "no error";
    };
    expect(code(() => decodeNeutralBasis(bytes.subarray(0, bytes.length - 8), cols))).toBe(
      "invalid_argument",
    );
    expect(code(() => decodeNeutralBasis(new Uint8Array(64), cols))).toBe("invalid_argument");
    expect(
      code(() =>
        decodeNeutralBasis(
          bytes,
          cols.map((c) => c.subarray(1)),
        ),
      ),
    ).toBe("invalid_argument");
    // Read back from an odd offset (a driver's buffer may start anywhere).
    const odd = new Uint8Array(bytes.length + 1);
    odd.set(bytes, 1);
    same(neutralBasisInner(cols), decodeNeutralBasis(odd.subarray(1), cols));
  });
});

describe("stored feature columns", () => {
  const cases: [string, number[], string][] = [
    ["Numerai's 0-4", [0, 1, 2, 3, 4], "i8"],
    ["int8's range", [-128, 127, 0], "i8"],
    ["past int8", [128, -3, 0], "i16"],
    ["int16's range", [-32768, 32767], "i16"],
    ["past int16", [32768, 1], "f64"],
    ["fractions", [0.25, 0.5, 1], "f64"],
  ];
  for (const [what, values, type] of cases) {
    it(`keeps ${what} exactly, as ${type}`, () => {
      const cols = [Float64Array.from(values), Float64Array.from(values, (v, i) => (i ? v : 0))];
      const stored = encodeFeatures(cols);
      expect(stored.type).toBe(type);
      expect(stored.bytes.byteLength).toBe(
        values.length * 2 * { i8: 1, i16: 2, f64: 8 }[stored.type],
      );
      // From an odd offset too.
      const odd = new Uint8Array(stored.bytes.length + 1);
      odd.set(stored.bytes, 1);
      for (const bytes of [stored.bytes, odd.subarray(1)]) {
        expect(decodeFeatures(bytes, stored.type, 2)).toEqual(cols);
      }
    });
  }

  it("refuses bytes that are not whole columns", () => {
    expect(() => decodeFeatures(new Uint8Array(7), "i16", 2)).toThrow(/not 2 columns/);
  });
});
