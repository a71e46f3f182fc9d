import { describe, expect, it } from "vitest";
import { parseCsvFrame } from "../../formats";
import { Scorer } from "../../scoring";
import { corrInner, prepareCorrTargets } from "../../scoring/metrics/corr";
import { mmcInner, prepareMmc } from "../../scoring/metrics/mmc";
import { rankCodesInto } from "../../scoring/rank";
import { RankTransform } from "../../scoring/rank-transform";
import { rng } from "./helpers";

/** Tie-kept rank codes by the definition: a comparison sort, then tie groups [g, e) get g + e. */
function naiveCodes(x: Float64Array): { codes: Int32Array; groups: number } {
  const order = Array.from(x, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const codes = new Int32Array(x.length);
  let groups = 0;
  for (let g = 0; g < order.length; ) {
    let e = g + 1;
    while (e < order.length && x[order[e]!] === x[order[g]!]) e++;
    for (let k = g; k < e; k++) codes[order[k]!] = g + e;
    groups++;
    g = e;
  }
  return { codes, groups };
}

describe("rankCodesInto (bucket sort, radix fallback)", () => {
  const r = rng(11);
  const cases: Record<string, (n: number) => Float64Array> = {
    uniform: (n) => Float64Array.from({ length: n }, r),
    "three decimals (ties)": (n) =>
      Float64Array.from({ length: n }, () => Math.round(r() * 400) / 1000),
    "five values": (n) => Float64Array.from({ length: n }, () => Math.floor(r() * 5) / 4),
    "one outlier (buckets crowded: radix)": (n) =>
      Float64Array.from({ length: n }, (_, i) => (i === 7 ? 1e12 : r())),
    "outliers both sides": (n) =>
      Float64Array.from({ length: n }, (_, i) => (i === 3 ? -1e300 : i === 9 ? 1e300 : r() - 0.5)),
    "range overflows": (n) =>
      Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1.7e308 : -1.7e308) * r()),
    subnormal: (n) => Float64Array.from({ length: n }, () => Math.floor(r() * 10) * 5e-324),
    "signed zeros": (n) =>
      Float64Array.from({ length: n }, () => (r() < 0.5 ? -0 : 0) + (r() < 0.3 ? 1 : 0)),
    "gaussian-ish": (n) => Float64Array.from({ length: n }, () => r() + r() + r() - 1.5),
    "sorted descending": (n) => Float64Array.from({ length: n }, (_, i) => n - i),
  };
  for (const [name, make] of Object.entries(cases)) {
    it(`matches a comparison sort: ${name}`, () => {
      for (const n of [1, 2, 3, 17, 300, 5000]) {
        const x = make(n);
        const codes = new Int32Array(n);
        const groups = rankCodesInto(x, codes);
        const want = naiveCodes(x);
        expect(groups).toBe(want.groups);
        expect(Array.from(codes)).toEqual(Array.from(want.codes));
      }
    });
  }
  it("reports NaN and infinities instead of ranking", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(rankCodesInto(Float64Array.of(1, bad, 2), new Int32Array(3))).toBe(-1);
    }
    expect(rankCodesInto(Float64Array.of(2, 2, 2), new Int32Array(3))).toBe(1);
  });
});

describe("Scorer fast path (CORR and MMC straight from rank codes)", () => {
  it("gives bit for bit the results of corrInner and mmcInner, also on an id subset", () => {
    const r = rng(5);
    const n = 2000;
    const ids = Array.from({ length: n }, (_, i) => `id${(i * 7919) % n}`);
    const targets = {
      ids: ids.slice().reverse(),
      values: Float64Array.from({ length: n }, () => Math.floor(r() * 5) / 4),
    };
    const metaModel = { ids, values: Float64Array.from({ length: n }, r) };
    for (const predIds of [ids, [...ids, "extra1", "extra2"]]) {
      const scorer = new Scorer({ ids: predIds, targets, metaModel });
      const ct = prepareCorrTargets(predIds, targets);
      const mc = prepareMmc(predIds, metaModel, targets);
      for (let k = 0; k < 20; k++) {
        const p = Float64Array.from(predIds, () => Math.round(r() * 1000) / 1000);
        const rt = new RankTransform(predIds.length, ct.index);
        expect(rt.apply(p)).toBe(true);
        const got = scorer.score(p);
        expect(got.corr).toBe(corrInner(rt.gaussPow, ct));
        expect(got.mmc).toBe(mmcInner(rt.gauss, mc));
      }
    }
  });
  it("still names the first non-finite value and rejects constant predictions", () => {
    const ids = ["a", "b", "c", "d", "e"];
    const t = { ids, values: Float64Array.of(0, 0.25, 0.5, 0.75, 1) };
    const scorer = new Scorer({
      ids,
      targets: t,
      metaModel: { ids, values: Float64Array.of(1, 2, 3, 4, 5) },
    });
    expect(() => scorer.score(Float64Array.of(1, 2, Number.NaN, 4, Number.NaN))).toThrow(/index 2/);
    expect(() => scorer.score(Float64Array.of(3, 3, 3, 3, 3))).toThrow(/constant/);
  });
});

describe("parseSimpleCsv", () => {
  it("handles a missing final newline, blank lines, CRLF and unusual number forms", async () => {
    const frame = await parseCsvFrame("id,a,b\r\nx,+1.5,.5\r\n\r\ny,5.,-0\n\nz, 2 ,1e3");
    expect(frame.ids).toEqual(["x", "y", "z"]);
    expect(Array.from(frame.columns.a!)).toEqual([1.5, 5, 2]);
    expect(Array.from(frame.columns.b!)).toEqual([0.5, -0, 1000]);
    expect(Object.is(frame.columns.b![1], -0)).toBe(true);
  });
  it("parses long and short decimals exactly as Number() does", async () => {
    const r = rng(3);
    const vals = Array.from({ length: 2000 }, (_, i) =>
      String(i % 3 === 0 ? r() : i % 3 === 1 ? -Math.round(r() * 1e6) / 1e4 : r() * 1e-9),
    );
    const frame = await parseCsvFrame(`id,v\n${vals.map((v, i) => `x${i},${v}`).join("\n")}\n`);
    vals.forEach((v, i) => {
      expect(frame.columns.v![i]).toBe(Number(v));
    });
  });
});
