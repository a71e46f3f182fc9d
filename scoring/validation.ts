import { compareIds } from "./align";
import { ScoringError } from "./errors";
import { eraStatsInner } from "./metrics/era-stats";
import type { NeutralBasis } from "./neutralize";
import { Scorer } from "./scorer";
import type { Frame, Series } from "./types";

/** One validation era as the operator provides it. */
export interface ValidationEraInput {
  readonly era: string;
  readonly ids: readonly string[];
  /** Targets over the era's ids (centered within the era by CORR). */
  readonly targets: Float64Array;
  /** Feature columns over the era's ids: FNC neutralizes against them, exposure over them. */
  readonly features?: Readonly<Record<string, Float64Array>>;
  /** The validation meta model over the era's ids: adds MMC. */
  readonly metaModel?: Float64Array;
  /**
   * The features' neutralization basis prepared before (`PreparedEra.basis`, stored with
   * `encodeNeutralBasis`): the era is then ready without building it again.
   */
  readonly basis?: NeutralBasis;
}

/**
 * An era made ready for diagnostics: targets transformed, meta model gaussianized and the
 * features' neutralization basis built, once; each diagnostics run then only scores.
 */
export interface PreparedEra {
  readonly era: string;
  readonly ids: readonly string[];
  readonly scorer: Scorer;
  /** The features' neutralization basis (with features): what preparing an era costs. */
  readonly basis?: NeutralBasis;
}

/**
 * Prepares one era (the expensive part: the neutralization basis of its features).
 * Errors as `Scorer` (e.g. `non_finite_values` in a feature), naming the era.
 */
export function prepareEra(input: ValidationEraInput): PreparedEra {
  const { era, ids } = input;
  try {
    const features: Frame | undefined =
      input.features && Object.keys(input.features).length > 0
        ? { ids, columns: input.features }
        : undefined;
    const scorer = new Scorer({
      ids,
      targets: { ids, values: input.targets },
      metaModel: input.metaModel ? { ids, values: input.metaModel } : undefined,
      features,
      basis: features ? input.basis : undefined,
      omitUndefinedFnc: true,
    });
    return { era, ids, scorer, basis: scorer.basis };
  } catch (e) {
    throw inEra(e, era);
  }
}

/** Eras in order: numerically when every label is a number, else as strings. */
export function sortEras<T extends { era: string }>(eras: T[]): T[] {
  const numeric = eras.every((e) => /^-?\d+(\.\d+)?$/.test(e.era));
  return [...eras].sort((a, b) =>
    numeric ? Number(a.era) - Number(b.era) : compareIds(a.era, b.era),
  );
}

/** Scores of one era. */
export interface EraScores {
  era: string;
  rows: number;
  corr: number;
  mmc?: number;
  fnc?: number;
  maxFeatureExposure?: number;
  maxFeature?: string;
}

/** Mean, std (ddof 0), sharpe (null when std is 0) and max drawdown of a per-era series. */
export interface SeriesSummary {
  mean: number;
  std: number;
  sharpe: number | null;
  maxDrawdown: number;
}

/** Numerai-style diagnostics of one model over validation eras. */
export interface ValidationReport {
  eras: number;
  rows: number;
  /** Every era's scores, in era order. */
  perEra: EraScores[];
  corr: SeriesSummary;
  mmc?: SeriesSummary;
  fnc?: SeriesSummary;
  /** Mean and largest per-era max feature exposure. */
  featureExposure?: { mean: number; max: number };
}

function summary(xs: number[]): SeriesSummary {
  const s = eraStatsInner(Float64Array.from(xs));
  return { ...s, sharpe: Number.isFinite(s.sharpe) ? s.sharpe : null };
}

function inEra(e: unknown, era: string): unknown {
  if (!(e instanceof ScoringError)) return e;
  return new ScoringError(e.code, `era ${era}: ${e.message}`, { ...e.details, era });
}

/**
 * Diagnostics of validation predictions (`id` -> prediction) over prepared eras: each era
 * scored on its own with CORR, MMC (with a meta model), FNC and max feature exposure (with
 * features), then mean, std, sharpe and max drawdown of each series over eras. Every
 * validation id needs a prediction (`missing_ids`, naming one); ids outside the set are ignored.
 * Constant predictions in an era: `constant_predictions` naming the era.
 *
 * @example
 * const eras = sortEras(inputs.map(prepareEra));
 * diagnose(eras, { ids, values }) // -> { perEra: [...], corr: { mean, std, sharpe, maxDrawdown }, fnc, ... }
 */
export function diagnose(eras: readonly PreparedEra[], predictions: Series): ValidationReport {
  if (eras.length === 0) throw new ScoringError("empty_input", "the validation set has no eras");
  const pos = new Map<string, number>();
  predictions.ids.forEach((id, i) => {
    if (pos.has(id)) throw new ScoringError("duplicate_ids", `duplicate id ${id}`, { id });
    pos.set(id, i);
  });
  const perEra: EraScores[] = [];
  let rows = 0;
  for (const e of eras) {
    const v = new Float64Array(e.ids.length);
    for (let i = 0; i < e.ids.length; i++) {
      const p = pos.get(e.ids[i]!);
      if (p === undefined) {
        throw new ScoringError("missing_ids", `validation id ${e.ids[i]} has no prediction`, {
          id: e.ids[i],
          era: e.era,
        });
      }
      v[i] = predictions.values[p]!;
    }
    try {
      const s = e.scorer.score(v, "predictions");
      perEra.push({ era: e.era, rows: e.ids.length, ...s });
    } catch (err) {
      throw inEra(err, e.era);
    }
    rows += e.ids.length;
  }
  const report: ValidationReport = {
    eras: eras.length,
    rows,
    perEra,
    corr: summary(perEra.map((x) => x.corr)),
  };
  if (perEra.every((x) => x.mmc !== undefined)) report.mmc = summary(perEra.map((x) => x.mmc!));
  const fnc = perEra.filter((x) => x.fnc !== undefined).map((x) => x.fnc!);
  if (fnc.length > 0) report.fnc = summary(fnc);
  const exposure = perEra.filter((x) => x.maxFeatureExposure !== undefined);
  if (exposure.length > 0) {
    const xs = exposure.map((x) => x.maxFeatureExposure!);
    report.featureExposure = {
      mean: xs.reduce((a, b) => a + b, 0) / xs.length,
      max: Math.max(...xs),
    };
  }
  return report;
}
