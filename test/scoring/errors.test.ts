import { describe, expect, it } from "vitest";
import {
  corr,
  featureExposure,
  fnc,
  mmc,
  payoutAmount,
  pearson,
  Scorer,
  ScoringError,
  scoreRound,
  toWad,
} from "../../scoring";
import { randomRound } from "./helpers";

function expectCode(fn: () => unknown, code: string, message?: RegExp) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ScoringError ${code}`).toBeInstanceOf(ScoringError);
  expect((err as ScoringError).code).toBe(code);
  if (message) expect((err as ScoringError).message).toMatch(message);
}

describe("typed errors, never NaN", () => {
  const r = randomRound(100, 3);
  const preds = { ids: r.ids, values: r.preds };
  const targets = { ids: r.ids, values: r.targets };
  const meta = { ids: r.ids, values: r.meta };
  const features = { ids: r.ids, columns: r.features };

  it("constant predictions", () => {
    const c = { ids: r.ids, values: new Float64Array(100).fill(0.5) };
    expectCode(() => corr(c, targets), "constant_predictions", /constant/);
    expectCode(() => mmc(c, meta, targets), "constant_predictions");
    expectCode(() => fnc(c, features, targets), "constant_predictions");
    expectCode(() => featureExposure(c, features), "constant_predictions");
    expectCode(() => new Scorer({ ids: r.ids, targets }).score(c.values), "constant_predictions");
  });

  it("too many dropped ids", () => {
    const few = { ids: r.ids.slice(0, 70), values: r.preds.slice(0, 70) };
    expectCode(() => corr(few, targets), "too_many_dropped_ids", /30 of 100 ids of targets/);
    const other = { ids: r.ids.map((id, i) => (i < 25 ? `x${id}` : id)), values: r.preds };
    expectCode(() => mmc(other, meta, targets), "too_many_dropped_ids", /predictions/);
    // 20% exactly is still allowed.
    expect(
      Number.isFinite(corr({ ids: r.ids.slice(0, 80), values: r.preds.slice(0, 80) }, targets)),
    ).toBe(true);
  });

  it("mismatched lengths", () => {
    expectCode(
      () => corr({ ids: r.ids, values: r.preds.slice(1) }, targets),
      "length_mismatch",
      /lengths differ|ids but/,
    );
    expectCode(() => pearson(r.preds, r.targets.slice(1)), "length_mismatch", /100 vs 99/);
    expectCode(
      () => new Scorer({ ids: r.ids, targets }).score(r.preds.slice(1)),
      "length_mismatch",
    );
  });

  it("non-finite values", () => {
    const bad = Float64Array.from(r.preds);
    bad[7] = Number.NaN;
    expectCode(
      () => corr({ ids: r.ids, values: bad }, targets),
      "non_finite_values",
      /id "id0007"/,
    );
    const badT = Float64Array.from(r.targets);
    badT[2] = Infinity;
    expectCode(() => corr(preds, { ids: r.ids, values: badT }), "non_finite_values", /targets/);
    expectCode(() => toWad(Number.NaN), "non_finite_values");
  });

  it("duplicate ids", () => {
    const ids = [...r.ids];
    ids[5] = ids[4]!;
    expectCode(() => corr({ ids, values: r.preds }, targets), "duplicate_ids", /id0004/);
  });

  it("round-level problems name the model", () => {
    const base = { liveIds: r.ids, targets };
    expectCode(
      () =>
        scoreRound({
          ...base,
          submissions: [
            { modelId: "m1", ids: r.ids.slice(1), predictions: r.preds.slice(1), stakeAtRisk: 1n },
          ],
        }),
      "missing_ids",
      /model m1: live id id0000/,
    );
    expectCode(
      () =>
        scoreRound({
          ...base,
          submissions: [
            { modelId: "m1", ids: r.ids, predictions: r.preds, stakeAtRisk: 1n },
            {
              modelId: "m2",
              ids: r.ids,
              predictions: new Float64Array(100).fill(0.2),
              stakeAtRisk: 0n,
            },
          ],
        }),
      "constant_predictions",
      /model m2/,
    );
    expectCode(() => payoutAmount(-1n, 1n), "invalid_argument");
  });
});
