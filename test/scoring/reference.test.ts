import path from "node:path";
import { describe, expect, it } from "vitest";
import { readTable } from "../../formats";
import {
  corr,
  eraStats,
  featureExposure,
  fnc,
  mmc,
  Scorer,
  type Series,
  validationDiagnostics,
} from "../../scoring";
import { loadCase, readJson, referenceDir, SCORE_CASES } from "./helpers";

const TOL = 1e-9;

describe.each(SCORE_CASES)("reference case %s", (name) => {
  it("each metric function reproduces expected.json", async () => {
    const c = await loadCase(name);
    expect(Object.keys(c.predictions.columns).sort()).toEqual(Object.keys(c.expected).sort());
    for (const [model, e] of Object.entries(c.expected)) {
      const p: Series = { ids: c.predictions.ids, values: c.predictions.columns[model]! };
      expect(Math.abs(corr(p, c.targets) - e.corr), `${model} corr`).toBeLessThan(TOL);
      expect(Math.abs(mmc(p, c.metaModel, c.targets) - e.mmc), `${model} mmc`).toBeLessThan(TOL);
      expect(Math.abs(fnc(p, c.features, c.targets) - e.fnc), `${model} fnc`).toBeLessThan(TOL);
      const x = featureExposure(p, c.features);
      expect(Math.abs(x.maxFeatureExposure - e.maxFeatureExposure), model).toBeLessThan(TOL);
      expect(x.maxFeature).toBe(e.maxFeature);
    }
  });

  it("the shared pipeline (rank once per submission) gives the same numbers", async () => {
    const c = await loadCase(name);
    const scorer = new Scorer({
      ids: c.predictions.ids,
      targets: c.targets,
      metaModel: c.metaModel,
      features: c.features,
    });
    for (const [model, e] of Object.entries(c.expected)) {
      const s = scorer.score(c.predictions.columns[model]!);
      expect(Math.abs(s.corr - e.corr)).toBeLessThan(TOL);
      expect(Math.abs(s.mmc! - e.mmc)).toBeLessThan(TOL);
      expect(Math.abs(s.fnc! - e.fnc)).toBeLessThan(TOL);
      expect(Math.abs(s.maxFeatureExposure! - e.maxFeatureExposure)).toBeLessThan(TOL);
      expect(s.maxFeature).toBe(e.maxFeature);
    }
  });
});

describe("reference eras", () => {
  const dir = path.join(referenceDir, "eras");
  const expected = readJson<{
    perEra: Record<string, number>;
    mean: number;
    std: number;
    sharpe: number;
    maxDrawdown: number;
  }>(path.join(dir, "expected.json"));

  it("validation diagnostics reproduce per-era CORR, mean, std, sharpe and max drawdown", async () => {
    const d = validationDiagnostics(await readTable(path.join(dir, "validation.csv")));
    expect(Object.keys(d.perEra)).toEqual(Object.keys(expected.perEra));
    for (const [era, v] of Object.entries(expected.perEra)) {
      expect(Math.abs(d.perEra[era]! - v), era).toBeLessThan(TOL);
    }
    for (const k of ["mean", "std", "sharpe", "maxDrawdown"] as const) {
      expect(Math.abs(d[k] - expected[k]), k).toBeLessThan(TOL);
    }
  });

  it("eraStats alone reproduces the summary from the expected per-era CORR", () => {
    const s = eraStats(Object.values(expected.perEra));
    for (const k of ["mean", "std", "sharpe", "maxDrawdown"] as const) {
      expect(Math.abs(s[k] - expected[k]), k).toBeLessThan(TOL);
    }
  });
});
