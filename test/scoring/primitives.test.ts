import { describe, expect, it } from "vitest";
import { parseCsvFrame } from "../../formats";
import {
  align,
  center,
  eraStats,
  gaussianize,
  neutralBasis,
  neutralize,
  normPpf,
  orthogonalize,
  pearson,
  pow15,
  tieKeptRank,
  varianceNormalize,
} from "../../scoring";
import { rng } from "./helpers";

const f = (...v: number[]) => Float64Array.of(...v);

describe("tieKeptRank", () => {
  it("averages ties and maps rank r to (r - 0.5) / n", () => {
    expect(Array.from(tieKeptRank(f(0.3, 0.1, 0.3, 0.2)))).toEqual([
      (3.5 - 0.5) / 4,
      (1 - 0.5) / 4,
      (3.5 - 0.5) / 4,
      (2 - 0.5) / 4,
    ]);
    expect(Array.from(tieKeptRank(f(5, 5, 5)))).toEqual([0.5, 0.5, 0.5]);
  });
  it("treats -0 and 0 as a tie", () => {
    expect(Array.from(tieKeptRank(f(-0, 0, 1)))).toEqual([0.5 / 3 + 0.5 / 3, 1 / 3, 2.5 / 3]);
  });
});

describe("normPpf (AS 241) matches scipy.special.ndtri to double precision", () => {
  // Values printed by scipy 1.17 `ndtri(p)`.
  const cases: [number, number][] = [
    [0.975, 1.959963984540054],
    [0.025, -1.9599639845400545],
    [1e-10, -6.361340902404056],
    [0.3, -0.5244005127080409],
    [0.7, 0.5244005127080407],
    [0.01, -2.3263478740408408],
    [0.999, 3.090232306167813],
    [1e-300, -37.0470962993612],
    [0.42, -0.20189347914185088],
    [0.426, -0.18656718183651944],
    [0.999999999999, 7.0344869100478356],
  ];
  it.each(cases)("ppf(%s)", (p, q) => {
    expect(Math.abs(normPpf(p) - q)).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(q)));
  });
  it("is antisymmetric and exact at the ends", () => {
    expect(normPpf(0.5)).toBe(0);
    expect(normPpf(0)).toBe(-Infinity);
    expect(normPpf(1)).toBe(Infinity);
    expect(normPpf(0.123)).toBeCloseTo(-normPpf(0.877), 15);
  });
  it("gaussianize rejects values outside (0, 1)", () => {
    expect(() => gaussianize(f(0.2, 1))).toThrow(/\(0, 1\)/);
  });
});

describe("elementwise building blocks", () => {
  it("pow15 keeps the sign", () => {
    expect(Array.from(pow15(f(-4, 0, 1, 9)))).toEqual([-8, 0, 1, 27]);
  });
  it("center subtracts the mean", () => {
    expect(Array.from(center(f(1, 2, 6)))).toEqual([-2, -1, 3]);
  });
  it("pearson is the sample correlation", () => {
    expect(pearson(f(1, 2, 3), f(2, 4, 7))).toBeCloseTo(0.9933992677987828, 15);
    expect(pearson(f(1, 2, 3), f(3, 2, 1))).toBe(-1);
  });
  it("orthogonalize removes the projection", () => {
    expect(Array.from(orthogonalize(f(1, 1), f(1, 0)))).toEqual([0, 1]);
  });
  it("varianceNormalize divides by the population std", () => {
    expect(Array.from(varianceNormalize(f(1, 3)))).toEqual([1, 3]);
  });
  it("eraStats: drawdown's running max starts at the first era", () => {
    const s = eraStats([-0.1, 0.05, -0.02, 0.04]);
    expect(s.maxDrawdown).toBeCloseTo(0.02, 15);
    expect(eraStats([-0.1, -0.2]).maxDrawdown).toBeCloseTo(0.2, 15);
  });
});

describe("neutralize", () => {
  it("subtracts the least-squares fit on [F, 1]", () => {
    const r = neutralize(f(1, 2, 4), [f(1, 2, 3)]);
    [1 / 6, -1 / 3, 1 / 6].forEach((v, i) => {
      expect(r[i]).toBeCloseTo(v, 13);
    });
  });
  it("handles rank-deficient features like pinv (duplicate, constant, combined columns)", () => {
    const r = rng(7);
    const n = 200;
    const a = Float64Array.from({ length: n }, () => Math.floor(r() * 5));
    const b = Float64Array.from({ length: n }, () => Math.floor(r() * 5));
    const x = Float64Array.from({ length: n }, () => r() - 0.5);
    const full = neutralize(x, [a, b]);
    const sum = Float64Array.from(a, (v, i) => v + b[i]!);
    const deficient = [a, b, Float64Array.from(a), new Float64Array(n).fill(2), sum];
    expect(neutralBasis(deficient).rank).toBe(3);
    const same = neutralize(x, deficient);
    for (let i = 0; i < n; i++) expect(Math.abs(same[i]! - full[i]!)).toBeLessThan(1e-12);
    // The residual is orthogonal to every feature and to the ones column.
    for (const col of [a, b, new Float64Array(n).fill(1)]) {
      let d = 0;
      for (let i = 0; i < n; i++) d += col[i]! * full[i]!;
      expect(Math.abs(d)).toBeLessThan(1e-10);
    }
  });
});

describe("align", () => {
  it("intersects, sorts by id and reports positions", () => {
    const al = align([
      ["b", "a", "c", "e", "f"],
      ["c", "a", "b", "d", "f"],
    ]);
    expect(al.ids).toEqual(["a", "b", "c", "f"]);
    expect(Array.from(al.index[0]!)).toEqual([1, 0, 2, 4]);
    expect(Array.from(al.index[1]!)).toEqual([1, 2, 0, 4]);
  });
});

describe("parseCsvFrame", () => {
  it("parses numbers exactly as Number() does, in any column order", async () => {
    const r = rng(1);
    const vals = Array.from({ length: 500 }, (_, i) =>
      i % 5 === 0
        ? String(r())
        : i % 5 === 1
          ? r().toFixed(3)
          : i % 5 === 2
            ? "-1.5e-7"
            : i % 5 === 3
              ? "12345678901234567890"
              : "0.1000000000000000055511151231257827",
    );
    const text = `v,id\r\n${vals.map((v, i) => `${v},x${i}`).join("\r\n")}\r\n`;
    const frame = await parseCsvFrame(text);
    expect(frame.ids[3]).toBe("x3");
    vals.forEach((v, i) => {
      expect(frame.columns.v![i]).toBe(Number(v));
    });
  });
  it("turns empty cells into NaN and quoted files go through arquero", async () => {
    expect((await parseCsvFrame("id,a\nx,\ny,1\n")).columns.a![0]).toBeNaN();
    const q = await parseCsvFrame('id,a\n"x,1",0.5\n"y",2\n');
    expect(q.ids).toEqual(["x,1", "y"]);
    expect(Array.from(q.columns.a!)).toEqual([0.5, 2]);
  });
  it("rejects a missing id column and ragged rows", async () => {
    await expect(parseCsvFrame("a,b\n1,2\n")).rejects.toThrow(/no "id" column/);
    await expect(parseCsvFrame("id,a\nx,1,2\n")).rejects.toThrow(/line 2/);
    await expect(parseCsvFrame("id,a,b\nx,1\n")).rejects.toThrow(/line 2/);
  });
});
