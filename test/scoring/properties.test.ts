import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  corr,
  DEFAULT_PAYOUT_PARAMS,
  fnc,
  mmc,
  neutralize,
  payoutAmount,
  payoutRatio,
  Scorer,
  type Series,
  WAD,
} from "../../scoring";
import { neutralBasisInner } from "../../scoring/neutralize";

/** A round of n rows: predictions with ties (few distinct values), meta model, targets, features. */
const roundArb = fc.integer({ min: 12, max: 80 }).chain((n) =>
  fc.record({
    preds: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }),
    meta: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
    targets: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
    f0: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
    f1: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
    seed: fc.integer(),
  }),
);

type RoundCase = {
  preds: number[];
  meta: number[];
  targets: number[];
  f0: number[];
  f1: number[];
  seed: number;
};

function build(c: RoundCase) {
  const ids = c.preds.map((_, i) => `r${i}`);
  return {
    ids,
    preds: { ids, values: Float64Array.from(c.preds, (v) => v / 20) },
    meta: { ids, values: Float64Array.from(c.meta) },
    targets: { ids, values: Float64Array.from(c.targets, (v) => v / 4) },
    features: { ids, columns: { f0: Float64Array.from(c.f0), f1: Float64Array.from(c.f1) } },
  };
}

const usable = (c: RoundCase) =>
  new Set(c.preds).size > 1 && new Set(c.meta).size > 1 && new Set(c.targets).size > 1;

function shuffle(s: Series, seed: number): Series {
  const order = s.ids.map((_, i) => i);
  let x = seed >>> 0 || 1;
  for (let i = order.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = x % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return {
    ids: order.map((i) => s.ids[i]!),
    values: Float64Array.from(order, (i) => s.values[i]!),
  };
}

describe("scoring properties", () => {
  it("CORR, MMC and FNC do not depend on row order", () => {
    fc.assert(
      fc.property(roundArb, (c) => {
        fc.pre(usable(c));
        const r = build(c);
        const p2 = shuffle(r.preds, c.seed);
        const t2 = shuffle(r.targets, c.seed + 1);
        expect(corr(p2, t2)).toBeCloseTo(corr(r.preds, r.targets), 12);
        expect(mmc(p2, shuffle(r.meta, c.seed + 2), t2)).toBeCloseTo(
          mmc(r.preds, r.meta, r.targets),
          12,
        );
        expect(fnc(p2, r.features, t2)).toBeCloseTo(fnc(r.preds, r.features, r.targets), 12);
      }),
      { numRuns: 60 },
    );
  });

  it("CORR and MMC are invariant to increasing transforms of the predictions", () => {
    fc.assert(
      fc.property(roundArb, fc.double({ min: 0.1, max: 10, noNaN: true }), (c, k) => {
        fc.pre(usable(c));
        const r = build(c);
        const t = {
          ids: r.ids,
          values: Float64Array.from(r.preds.values, (v) => Math.exp(k * v) - 3),
        };
        expect(corr(t, r.targets)).toBe(corr(r.preds, r.targets));
        expect(mmc(t, r.meta, r.targets)).toBe(mmc(r.preds, r.meta, r.targets));
      }),
      { numRuns: 60 },
    );
  });

  it("CORR lies in [-1, 1]", () => {
    fc.assert(
      fc.property(roundArb, (c) => {
        fc.pre(usable(c));
        const r = build(c);
        const v = corr(r.preds, r.targets);
        expect(v).toBeGreaterThanOrEqual(-1);
        expect(v).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("the meta model's own MMC is 0", () => {
    fc.assert(
      fc.property(roundArb, (c) => {
        fc.pre(usable(c));
        const r = build(c);
        expect(Math.abs(mmc(r.meta, r.meta, r.targets))).toBeLessThan(1e-14);
      }),
    );
  });

  it("leaves its inputs unmodified", () => {
    fc.assert(
      fc.property(roundArb, (c) => {
        fc.pre(usable(c));
        const r = build(c);
        const snapshot = structuredClone(r);
        const scorer = new Scorer({
          ids: r.ids,
          targets: r.targets,
          metaModel: r.meta,
          features: r.features,
        });
        scorer.score(r.preds.values);
        corr(r.preds, r.targets);
        mmc(r.preds, r.meta, r.targets);
        fnc(r.preds, r.features, r.targets);
        expect(r).toEqual(snapshot);
      }),
      { numRuns: 30 },
    );
  });

  it("the pipeline equals the individual metric functions", () => {
    fc.assert(
      fc.property(roundArb, (c) => {
        fc.pre(usable(c));
        const r = build(c);
        const s = new Scorer({
          ids: r.ids,
          targets: r.targets,
          metaModel: r.meta,
          features: r.features,
        });
        const out = s.score(r.preds.values);
        expect(out.corr).toBe(corr(r.preds, r.targets));
        expect(out.mmc).toBe(mmc(r.preds, r.meta, r.targets));
        expect(out.fnc).toBe(fnc(r.preds, r.features, r.targets));
      }),
      { numRuns: 30 },
    );
  });

  it("a payout never exceeds the cap times the stake, and has the score's sign", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.bigInt({ min: 0n, max: 10n ** 9n * WAD }),
        fc.bigInt({ min: 0n, max: 10n ** 9n * WAD }),
        (c, m, stake, others) => {
          const total = stake + others;
          const ratio = payoutRatio({ corr: c, mmc: m }, total);
          const cap = DEFAULT_PAYOUT_PARAMS.payoutCap;
          expect(ratio <= cap && ratio >= -cap).toBe(true);
          const pay = payoutAmount(stake, ratio);
          const limit = (stake * cap) / WAD;
          expect(pay <= limit && pay >= -limit).toBe(true);
          if (0.5 * c + 2 * m > 1e-12) expect(pay >= 0n).toBe(true);
          if (0.5 * c + 2 * m < -1e-12) expect(pay <= 0n).toBe(true);
        },
      ),
    );
  });

  /**
   * Tie-heavy data: m distinct (features, value) rows, each repeated, with few feature levels,
   * sometimes a duplicated, constant or all-zero feature (rank-deficient [F, 1]).
   */
  const tiedArb = fc
    .record({
      m: fc.integer({ min: 4, max: 30 }),
      k: fc.integer({ min: 1, max: 6 }),
      levels: fc.integer({ min: 2, max: 5 }),
      extra: fc.constantFrom("none", "duplicate", "constant", "zero"),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    })
    .map(({ m, k, levels, extra, seed }) => {
      let x = seed >>> 0;
      const next = () => {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        return x / 2 ** 32;
      };
      const distinct = Array.from({ length: m }, () => ({
        f: Array.from({ length: k }, () => Math.floor(next() * levels)),
        y: Math.round(next() * 10) / 10,
      }));
      const rows = Array.from({ length: m * 4 }, () => distinct[Math.floor(next() * m)]!);
      const cols = Array.from({ length: k }, (_, j) => Float64Array.from(rows, (r) => r.f[j]!));
      if (extra === "duplicate") cols.push(Float64Array.from(cols[0]!));
      if (extra === "constant") cols.push(new Float64Array(rows.length).fill(3));
      if (extra === "zero") cols.push(new Float64Array(rows.length));
      return { rows, cols, y: Float64Array.from(rows, (r) => r.y) };
    });

  it("rows with equal features and equal values stay exactly tied after neutralization", () => {
    fc.assert(
      fc.property(tiedArb, ({ rows, cols, y }) => {
        const out = neutralize(y, cols);
        const first = new Map<(typeof rows)[number], number>();
        rows.forEach((r, i) => {
          if (!first.has(r)) first.set(r, i);
          expect(out[i]).toBe(out[first.get(r)!]);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("the Gram route and the SVD route agree to 1e-12, and both keep the ties", () => {
    fc.assert(
      fc.property(tiedArb, ({ rows, cols, y }) => {
        const gram = neutralBasisInner(cols);
        const svd = neutralBasisInner(cols, undefined, true);
        expect(svd.method).toBe("svd");
        expect(gram.rank).toBe(svd.rank);
        const a = neutralize(y, gram);
        const b = neutralize(y, svd);
        const scale = Math.max(1, ...Array.from(y, Math.abs));
        for (let i = 0; i < y.length; i++)
          expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-12 * scale);
        for (let i = 1; i < rows.length; i++) {
          const j = rows.indexOf(rows[i]!);
          expect(b[i]).toBe(b[j]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("duplicated, constant and all-zero features change nothing", () => {
    fc.assert(
      fc.property(tiedArb, ({ cols, y }) => {
        const base = neutralize(y, cols);
        const padded = neutralize(y, [
          ...cols,
          Float64Array.from(cols[0]!),
          new Float64Array(y.length).fill(2),
          new Float64Array(y.length),
        ]);
        for (let i = 0; i < y.length; i++)
          expect(Math.abs(padded[i]! - base[i]!)).toBeLessThan(1e-12);
      }),
      { numRuns: 150 },
    );
  });
});
