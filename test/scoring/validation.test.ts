import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { corr, diagnose, fnc, mmc, prepareEra, sortEras } from "../../scoring";
import { featureExposure } from "../../scoring/metrics/feature-exposure";
import { readJson, referenceDir } from "./helpers";

/** The reference validation file split by era (rows in file order within each era). */
function referenceEras() {
  const lines = readFileSync(path.join(referenceDir, "eras", "validation.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1);
  const byEra = new Map<string, { ids: string[]; preds: number[]; targets: number[] }>();
  for (const line of lines) {
    const [id, era, p, t] = line.split(",");
    const e = byEra.get(era!) ?? { ids: [], preds: [], targets: [] };
    e.ids.push(id!);
    e.preds.push(Number(p));
    e.targets.push(Number(t));
    byEra.set(era!, e);
  }
  return byEra;
}

describe("validation diagnostics over prepared eras", () => {
  const byEra = referenceEras();
  const expected = readJson<{
    perEra: Record<string, number>;
    mean: number;
    std: number;
    sharpe: number;
    maxDrawdown: number;
  }>(path.join(referenceDir, "eras", "expected.json"));
  const allIds = [...byEra.values()].flatMap((e) => e.ids);
  const allPreds = Float64Array.from([...byEra.values()].flatMap((e) => e.preds));

  it("reproduces the reference per-era CORR and its summary (eras given out of order)", () => {
    const prepared = sortEras(
      [...byEra]
        .reverse()
        .map(([era, e]) => prepareEra({ era, ids: e.ids, targets: Float64Array.from(e.targets) })),
    );
    const d = diagnose(prepared, {
      ids: [...allIds].reverse(),
      values: Float64Array.from(allPreds).reverse(),
    });
    expect(d.eras).toBe(Object.keys(expected.perEra).length);
    expect(d.perEra.map((x) => x.era)).toEqual(Object.keys(expected.perEra));
    for (const x of d.perEra) expect(Math.abs(x.corr - expected.perEra[x.era]!)).toBeLessThan(1e-9);
    expect(Math.abs(d.corr.mean - expected.mean)).toBeLessThan(1e-9);
    expect(Math.abs(d.corr.std - expected.std)).toBeLessThan(1e-9);
    expect(Math.abs(d.corr.sharpe! - expected.sharpe)).toBeLessThan(1e-9);
    expect(Math.abs(d.corr.maxDrawdown - expected.maxDrawdown)).toBeLessThan(1e-9);
    expect(d.fnc).toBeUndefined();
    expect(d.mmc).toBeUndefined();
  });

  it("adds MMC, FNC and exposure per era, each the metric on that era alone", () => {
    const prepared = [...byEra].map(([era, e], k) => {
      const n = e.ids.length;
      const f0 = Float64Array.from({ length: n }, (_, i) => (i * (k + 3)) % 5);
      const f1 = Float64Array.from({ length: n }, (_, i) => (i * 7 + k) % 4);
      const meta = Float64Array.from({ length: n }, (_, i) => ((i * 13 + k) % 17) / 17);
      return {
        era,
        e,
        features: { f0, f1 },
        meta,
        prepared: prepareEra({
          era,
          ids: e.ids,
          targets: Float64Array.from(e.targets),
          features: { f0, f1 },
          metaModel: meta,
        }),
      };
    });
    const d = diagnose(
      prepared.map((p) => p.prepared),
      { ids: allIds, values: allPreds },
    );
    prepared.forEach((p, k) => {
      const ids = p.e.ids;
      const preds = { ids, values: Float64Array.from(p.e.preds) };
      const targets = { ids, values: Float64Array.from(p.e.targets) };
      const features = { ids, columns: p.features };
      const x = d.perEra[k]!;
      expect(x.corr).toBe(corr(preds, targets));
      expect(x.mmc).toBe(mmc(preds, { ids, values: p.meta }, targets));
      expect(x.fnc).toBe(fnc(preds, features, targets));
      expect(x.maxFeatureExposure).toBe(featureExposure(preds, features).maxFeatureExposure);
    });
    expect(d.fnc!.mean).toBeCloseTo(d.perEra.reduce((a, x) => a + x.fnc!, 0) / d.eras, 14);
    expect(d.featureExposure!.max).toBe(Math.max(...d.perEra.map((x) => x.maxFeatureExposure!)));
  });

  it("names the era and the id when predictions are missing or constant", () => {
    const [era, e] = [...byEra][0]!;
    const prepared = [prepareEra({ era, ids: e.ids, targets: Float64Array.from(e.targets) })];
    expect(() =>
      diagnose(prepared, { ids: e.ids.slice(1), values: new Float64Array(e.ids.length - 1) }),
    ).toThrow(expect.objectContaining({ code: "missing_ids" }));
    expect(() =>
      diagnose(prepared, { ids: e.ids, values: new Float64Array(e.ids.length).fill(0.5) }),
    ).toThrow(
      expect.objectContaining({
        code: "constant_predictions",
        details: expect.objectContaining({ era }),
      }),
    );
  });
});
