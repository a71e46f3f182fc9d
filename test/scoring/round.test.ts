import { afterAll, describe, expect, it } from "vitest";
import {
  corr,
  DEFAULT_PAYOUT_PARAMS,
  featureExposure,
  fnc,
  mmc,
  payoutAmount,
  payoutRatio,
  roundFeatures,
  Scorer,
  type Series,
  scoreRound,
  WAD,
} from "../../scoring";
import { ScoringPool } from "../../scoring/parallel/pool";
import { randomRound, rng } from "./helpers";

const n = 400;
const base = randomRound(n, 11);
const r = rng(5);
const subs = [0n, 1000n * WAD, 3000n * WAD, 250n * WAD].map((stake, k) => ({
  modelId: `model-${k}`,
  ids: base.ids,
  predictions: Float64Array.from(base.targets, (t) => Math.round((t * 0.2 + r()) * 1000) / 1000),
  stakeAtRisk: stake,
}));
const targets: Series = { ids: base.ids, values: base.targets };

/** sum_k(w_k * c_k) / sum_k(w_k), accumulated in submission order like the scorer (ties in the
 * meta model depend on the floating-point order). */
function weightedMean(columns: Float64Array[], w: number[]): Float64Array {
  const total = w.reduce((a, b) => a + b, 0);
  return Float64Array.from(
    columns[0]!,
    (_, i) => columns.reduce((s, c, k) => (w[k] === 0 ? s : s + w[k]! * c[i]!), 0) / total,
  );
}

describe("scoreRound with the live features", () => {
  const binary = Float64Array.from(base.ids, (_, i) => (i % 3 === 0 ? 1 : 0));
  const other = Float64Array.from(base.ids, (_, i) => (i * 7) % 5);
  const live = { ids: base.ids, columns: { binary, other } };

  it("adds FNC against the chosen features and exposure over all of them", () => {
    const result = scoreRound({
      liveIds: base.ids,
      targets,
      submissions: subs,
      ...roundFeatures(live, ["other"]),
    });
    for (const s of subs) {
      const got = result.get(s.modelId)!;
      const p = { ids: s.ids, values: s.predictions };
      expect(got.fnc).toBe(fnc(p, { ids: base.ids, columns: { other } }, targets));
      expect(got.maxFeatureExposure).toBe(featureExposure(p, live).maxFeatureExposure);
      expect(got.maxFeature).toBe(featureExposure(p, live).maxFeature);
    }
  });

  it("leaves FNC out for a model the features explain, instead of failing the round", () => {
    const copy = { modelId: "copycat", ids: base.ids, predictions: binary, stakeAtRisk: WAD };
    const result = scoreRound({
      liveIds: base.ids,
      targets,
      submissions: [...subs, copy],
      ...roundFeatures(live),
    });
    expect(result.get("copycat")!.fnc).toBeUndefined();
    expect(result.get("copycat")!.corr).toBe(corr({ ids: base.ids, values: binary }, targets));
    expect(result.get("model-1")!.fnc).toEqual(expect.any(Number));
  });

  it("has nothing to add for a live file without varying features, and rejects unknown names", () => {
    expect(roundFeatures({ ids: base.ids, columns: {} })).toBeUndefined();
    const flat = { ids: base.ids, columns: { c: new Float64Array(n).fill(2) } };
    expect(roundFeatures(flat)).toBeUndefined();
    expect(() => roundFeatures(live, ["nope"])).toThrow(/nope/);
  });
});

describe("scoreRound", () => {
  it("scores every model against the stake-weighted meta model and pays in wei", () => {
    const result = scoreRound({ liveIds: base.ids, targets, submissions: subs });
    const meta = {
      ids: base.ids,
      values: weightedMean(
        subs.map((s) => s.predictions),
        subs.map((s) => Number(s.stakeAtRisk)),
      ),
    };
    const total = subs.reduce((a, s) => a + s.stakeAtRisk, 0n);
    for (const s of subs) {
      const got = result.get(s.modelId)!;
      const p = { ids: s.ids, values: s.predictions };
      expect(got.corr).toBeCloseTo(corr(p, targets), 14);
      expect(got.mmc).toBeCloseTo(mmc(p, meta, targets), 12);
      expect(got.ratioWad).toBe(payoutRatio(got, total, DEFAULT_PAYOUT_PARAMS));
      expect(got.payout).toBe(payoutAmount(s.stakeAtRisk, got.ratioWad));
      expect(got.fnc).toBeUndefined();
    }
    expect(result.get("model-0")!.payout).toBe(0n); // nothing at risk, nothing paid
  });

  it("ignores row order and ids outside the round", () => {
    const a = scoreRound({ liveIds: base.ids, targets, submissions: subs });
    const order = base.ids.map((_, i) => i).reverse();
    const shuffled = subs.map((s) => ({
      ...s,
      ids: [...order.map((i) => s.ids[i]!), "not-live"],
      predictions: Float64Array.from([...order.map((i) => s.predictions[i]!), 0.5]),
    }));
    const b = scoreRound({ liveIds: [...base.ids].reverse(), targets, submissions: shuffled });
    for (const s of subs) {
      expect(b.get(s.modelId)!.corr).toBeCloseTo(a.get(s.modelId)!.corr, 14);
      expect(b.get(s.modelId)!.mmc).toBeCloseTo(a.get(s.modelId)!.mmc, 14);
    }
  });

  it("uses an equal-weight meta model when nothing is staked", () => {
    const unstaked = subs.map((s) => ({ ...s, stakeAtRisk: 0n }));
    const result = scoreRound({ liveIds: base.ids, targets, submissions: unstaked });
    const meta = {
      ids: base.ids,
      values: weightedMean(
        subs.map((s) => s.predictions),
        [1, 1, 1, 1],
      ),
    };
    for (const s of unstaked) {
      const p = { ids: s.ids, values: s.predictions };
      expect(result.get(s.modelId)!.mmc).toBeCloseTo(mmc(p, meta, targets), 12);
      expect(result.get(s.modelId)!.payout).toBe(0n);
    }
  });

  it("gives the only staked model an MMC of 0 (it is the meta model)", () => {
    const one = subs.map((s, k) => ({ ...s, stakeAtRisk: k === 2 ? 10n * WAD : 0n }));
    const result = scoreRound({ liveIds: base.ids, targets, submissions: one });
    expect(Math.abs(result.get("model-2")!.mmc)).toBeLessThan(1e-15);
  });

  it("adds FNC with features", () => {
    const features = { ids: base.ids, columns: base.features };
    const result = scoreRound({ liveIds: base.ids, targets, submissions: subs, features });
    for (const s of subs) {
      const p = { ids: s.ids, values: s.predictions };
      expect(result.get(s.modelId)!.fnc).toBeCloseTo(fnc(p, features, targets), 14);
    }
  });
});

describe("ScoringPool (worker threads)", () => {
  const pool = ScoringPool.start(2);
  afterAll(() => pool.close());

  it("gives exactly the single-thread scores, in column order", async () => {
    const inputs = {
      ids: base.ids,
      targets,
      metaModel: { ids: base.ids, values: base.meta },
      features: { ids: base.ids, columns: base.features },
    };
    const columns = Array.from({ length: 37 }, (_, k) =>
      Float64Array.from(base.targets, (t) => t * (k % 5) * 0.1 + r()),
    );
    const scorer = new Scorer(inputs);
    const got = await pool.score(inputs, columns, { chunk: 3 });
    expect(pool.threads).toBe(2);
    expect(got).toEqual(columns.map((c) => scorer.score(c)));
  });

  it("rejects with the typed error of the first bad column", async () => {
    const columns = [Float64Array.from(base.meta), new Float64Array(n).fill(0.5)];
    await expect(
      pool.score({ ids: base.ids, targets }, columns, { chunk: 1 }),
    ).rejects.toMatchObject({
      code: "constant_predictions",
      message: expect.stringMatching(/column 1/),
    });
  });
});
