import {
  diagnose,
  type PreparedEra,
  prepareEra,
  sortEras,
  type ValidationReport,
} from "../../scoring";
import { csv, rng } from "../helpers/common";

/**
 * A small validation set with Numerai's shape: eras of integer features 0-4 (ties everywhere),
 * targets in quarters, a validation meta model, and a model's predictions at 3 decimals (ties).
 * Era labels are numbers out of order in the file, so era order is checked too.
 */
export function validationData(seed: number, eras = 6, perEra = 40, features = 5) {
  const rand = rng(seed);
  const labels = Array.from({ length: eras }, (_, e) => String(((e * 7) % eras) + 1));
  const rows: {
    id: string;
    era: string;
    target: number;
    meta: number;
    features: number[];
    prediction: number;
  }[] = [];
  for (const era of labels) {
    for (let i = 0; i < perEra; i++) {
      const f = Array.from({ length: features }, () => Math.floor(rand() * 5));
      const target = Math.floor(rand() * 5) / 4;
      rows.push({
        id: `v${era}_${String(i).padStart(3, "0")}`,
        era,
        target,
        meta: Math.round((0.3 * target + 0.7 * rand()) * 1e4) / 1e4,
        features: f,
        prediction: Math.round((0.2 * target + (0.1 * f[0]!) / 4 + 0.7 * rand()) * 1e3) / 1e3,
      });
    }
  }
  const featureNames = Array.from({ length: features }, (_, j) => `feature_${j}`);
  const validationCsv = (withMeta = true) =>
    csv(
      ["id", "era", ...featureNames, "target", ...(withMeta ? ["meta_model"] : [])].join(","),
      rows.map((r) => [r.id, r.era, ...r.features, r.target, ...(withMeta ? [r.meta] : [])]),
    );
  const predictionsCsv = (values = rows.map((r) => r.prediction), ids = rows.map((r) => r.id)) =>
    csv(
      "id,prediction",
      ids.map((id, i) => [id, values[i]!]),
    );
  /** The stateless form: the caller's own rows with era and target. */
  const statelessCsv = () =>
    csv(
      "id,era,prediction,target",
      rows.map((r) => [r.id, r.era, r.prediction, r.target]),
    );
  /** What the scorer says in-process, from the same numbers (no database, no job). */
  const expected = (withMeta = true): ValidationReport => {
    const byEra = new Map<string, typeof rows>();
    for (const r of rows) byEra.set(r.era, [...(byEra.get(r.era) ?? []), r]);
    const prepared: PreparedEra[] = sortEras([...byEra].map(([era, rs]) => ({ era, rs }))).map(
      ({ era, rs }) =>
        prepareEra({
          era,
          ids: rs.map((r) => r.id),
          targets: Float64Array.from(rs, (r) => r.target),
          metaModel: withMeta ? Float64Array.from(rs, (r) => r.meta) : undefined,
          features: Object.fromEntries(
            featureNames.map((n, j) => [n, Float64Array.from(rs, (r) => r.features[j]!)]),
          ),
        }),
    );
    return diagnose(prepared, {
      ids: rows.map((r) => r.id),
      values: Float64Array.from(rows, (r) => r.prediction),
    });
  };
  return { rows, labels, featureNames, validationCsv, predictionsCsv, statelessCsv, expected };
}

/** Every number of `actual` within `tol` of `expected`, every other value equal. */
export function closeTo(actual: unknown, expected: unknown, tol: number, path = "$"): string[] {
  if (typeof expected === "number" && typeof actual === "number") {
    return Math.abs(actual - expected) <= tol ? [] : [`${path}: ${actual} vs ${expected}`];
  }
  if (expected && typeof expected === "object") {
    if (!actual || typeof actual !== "object") return [`${path}: ${String(actual)} vs object`];
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].flatMap((k) =>
      closeTo(
        (actual as Record<string, unknown>)[k],
        (expected as Record<string, unknown>)[k],
        tol,
        `${path}.${k}`,
      ),
    );
  }
  return actual === expected ? [] : [`${path}: ${String(actual)} vs ${String(expected)}`];
}
