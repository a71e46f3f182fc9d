import { align, type IdIndexCache } from "../align";
import { ScoringError } from "../errors";
import { RankTransform } from "../rank-transform";
import type { Series } from "../types";
import { assertFinite, assertNotConstant, assertSeriesShape } from "../validate";

/** Meta model and targets prepared for MMC against predictions over fixed ids. */
export interface MmcContext {
  /** Positions (in the predictions' id order) of the ids common to all three inputs. */
  readonly index: Int32Array;
  readonly ids: readonly string[];
  /** gaussianize(rank(meta model)) over the common ids. */
  readonly m: Float64Array;
  /** Targets (x4 if all in [0, 1]) centered over the common ids. */
  readonly t: Float64Array;
  /** t . m and m . m, so each submission needs only two dot products. */
  readonly tm: number;
  readonly mm: number;
}

/** Validates and prepares the meta model and targets for `mmcInner`. */
export function prepareMmc(
  predictionIds: readonly string[],
  metaModel: Series,
  targets: Series,
  cache?: IdIndexCache,
): MmcContext {
  assertSeriesShape(metaModel, "meta model");
  assertSeriesShape(targets, "targets");
  assertFinite(metaModel.values, "meta model", metaModel.ids);
  assertFinite(targets.values, "targets", targets.ids);
  const al = align(
    [predictionIds, metaModel.ids, targets.ids],
    ["predictions", "meta model", "targets"],
    undefined,
    cache,
  );
  const n = al.ids.length;
  const rt = new RankTransform(metaModel.values.length, al.index[1]!);
  if (!rt.apply(metaModel.values)) {
    throw new ScoringError(
      "constant_input",
      "meta model is constant over the scored ids; MMC is undefined",
    );
  }
  const m = Float64Array.from(rt.gauss);
  const ti = al.index[2]!;
  const t = new Float64Array(n);
  let inUnit = true;
  for (let j = 0; j < n; j++) {
    const v = targets.values[ti[j]!]!;
    t[j] = v;
    if (v < 0 || v > 1) inUnit = false;
  }
  let mean = 0;
  for (let j = 0; j < n; j++) {
    if (inUnit) t[j] = t[j]! * 4;
    mean += t[j]!;
  }
  mean /= n;
  let tm = 0;
  let mm = 0;
  for (let j = 0; j < n; j++) {
    t[j] = t[j]! - mean;
    tm += t[j]! * m[j]!;
    mm += m[j]! * m[j]!;
  }
  return { index: al.index[0]!, ids: al.ids, m, t, tm, mm };
}

/**
 * Inner MMC from gaussianized predictions p over the context's ids:
 * t . (p - m (p.m)/(m.m)) / n, expanded so m and t's products are reused.
 */
export function mmcInner(p: Float64Array, ctx: MmcContext): number {
  const { m, t } = ctx;
  let tp = 0;
  let pm = 0;
  for (let j = 0; j < p.length; j++) {
    tp += t[j]! * p[j]!;
    pm += p[j]! * m[j]!;
  }
  return (tp - (pm / ctx.mm) * ctx.tm) / p.length;
}

/**
 * Numerai's MMC (`correlation_contribution`): predictions, meta model and targets aligned to
 * their common ids; p and m gaussianized tie-kept ranks; q = p orthogonalized against m;
 * targets x4 if all in [0, 1], then centered; MMC = targets . q / n. The meta model's own MMC is 0.
 * Ties: average ranks. NaN/Infinity: `non_finite_values`. Constant predictions:
 * `constant_predictions`; constant meta model: `constant_input`. Over 20% of any input's ids
 * unmatched: `too_many_dropped_ids`.
 *
 * @example
 * mmc(preds, metaModel, targets) // -> e.g. 0.0123
 */
export function mmc(predictions: Series, metaModel: Series, targets: Series): number {
  assertSeriesShape(predictions, "predictions");
  assertFinite(predictions.values, "predictions", predictions.ids);
  assertNotConstant(predictions.values, "predictions", "constant_predictions");
  const ctx = prepareMmc(predictions.ids, metaModel, targets);
  const rt = new RankTransform(predictions.values.length, ctx.index);
  if (!rt.apply(predictions.values)) {
    throw new ScoringError("constant_predictions", "predictions are constant over the scored ids");
  }
  return mmcInner(rt.gauss, ctx);
}
