import { execFileSync } from "node:child_process";
import path from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { fnc, neutralize } from "../../scoring";
import { gram, gramWith } from "../../scoring/linalg/gram";
import { useWasmKernels, wasmKernels } from "../../scoring/linalg/wasm-kernels";
import { neutralBasisInner } from "../../scoring/neutralize";
import { repoRoot } from "./helpers";

const matrixArb = fc
  .record({
    n: fc.integer({ min: 1, max: 70 }),
    p: fc.integer({ min: 1, max: 13 }),
    integer: fc.boolean(),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  })
  .map(({ n, p, integer, seed }) => {
    let x = seed >>> 0;
    const next = () => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      return x / 2 ** 32;
    };
    const cols = Array.from({ length: p }, () =>
      Float64Array.from({ length: n }, () => (integer ? Math.floor(next() * 5) : next() * 4 - 1)),
    );
    return { n, p, cols, y: Float64Array.from({ length: n }, () => Math.round(next() * 10) / 10) };
  });

describe("WebAssembly kernels", () => {
  afterEach(() => useWasmKernels(true));

  it("load here (Node has WebAssembly SIMD)", () => {
    expect(wasmKernels()).not.toBeNull();
  });

  it("give the plain-JavaScript Gram matrix (exactly for integers)", () => {
    fc.assert(
      fc.property(matrixArb, ({ n, p, cols }) => {
        const a = new Float64Array(n * p);
        cols.forEach((c, j) => {
          a.set(c, j * n);
        });
        const js = gram(a, n, p);
        const simd = gramWith(wasmKernels(), a, n, p);
        const integer = cols.every((c) => c.every((v) => Number.isInteger(v)));
        for (let i = 0; i < js.length; i++) {
          if (integer) expect(simd[i]).toBe(js[i]);
          else expect(Math.abs(simd[i]! - js[i]!)).toBeLessThan(1e-12 * (1 + Math.abs(js[i]!)));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("neutralize as the JavaScript path does", () => {
    fc.assert(
      fc.property(matrixArb, ({ cols, y }) => {
        const simd = neutralize(y, neutralBasisInner(cols));
        useWasmKernels(false);
        const js = neutralize(y, neutralBasisInner(cols));
        useWasmKernels(true);
        for (let i = 0; i < y.length; i++) expect(Math.abs(simd[i]! - js[i]!)).toBeLessThan(1e-12);
      }),
      { numRuns: 150 },
    );
  });

  it("FNC is the same with the kernels off", () => {
    const n = 300;
    const ids = Array.from({ length: n }, (_, i) => `r${i}`);
    const f = (k: number) => Float64Array.from(ids, (_, i) => (i * (k + 3)) % 5);
    const features = { ids, columns: { a: f(0), b: f(1), c: f(2) } };
    const preds = { ids, values: Float64Array.from(ids, (_, i) => ((i * 7) % 11) / 10) };
    const targets = { ids, values: Float64Array.from(ids, (_, i) => (i % 3 === 0 ? 1 : 0)) };
    const on = fnc(preds, features, targets);
    useWasmKernels(false);
    expect(fnc(preds, features, targets)).toBeCloseTo(on, 12);
  });

  it("kernels.ts is what kernels.as.ts compiles to", () => {
    execFileSync(process.execPath, [
      path.join(repoRoot, "scoring", "wasm", "build.mjs"),
      "--check",
    ]);
  });
});
