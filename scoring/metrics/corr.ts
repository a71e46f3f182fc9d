import { align, type IdIndexCache } from "../align";
import { ScoringError } from "../errors";
import { pearsonCenteredInner } from "../pearson";
import { RankTransform } from "../rank-transform";
import type { Series } from "../types";
import { assertFinite, assertNotConstant, assertSeriesShape } from "../validate";

/** Targets prepared for CORR against predictions over fixed ids; shared by every submission. */
export interface CorrTargets {
  /** Positions (in the predictions' id order) of the aligned ids. */
  readonly index: Int32Array;
  /** The aligned ids, sorted. */
  readonly ids: readonly string[];
  /** pow15(targets - mean over ALL target ids), aligned, then centered for Pearson. */
  readonly t: Float64Array;
  /** Sum of squares of `t`. */
  readonly tss: number;
}

/**
 * Validates and prepares targets for `corrInner`: centers over all target ids, aligns with the
 * prediction ids (at most 20% dropped from either), applies pow 1.5.
 */
export function prepareCorrTargets(
  predictionIds: readonly string[],
  targets: Series,
  cache?: IdIndexCache,
): CorrTargets {
  assertSeriesShape(targets, "targets");
  assertFinite(targets.values, "targets", targets.ids);
  const al = align([predictionIds, targets.ids], ["predictions", "targets"], undefined, cache);
  const tv = targets.values;
  let mean = 0;
  for (let i = 0; i < tv.length; i++) mean += tv[i]!;
  mean /= tv.length;
  const ti = al.index[1]!;
  const t = new Float64Array(ti.length);
  for (let j = 0; j < t.length; j++) {
    const v = tv[ti[j]!]! - mean;
    t[j] = v < 0 ? -((-v) ** 1.5) : v ** 1.5;
  }
  let m = 0;
  for (let j = 0; j < t.length; j++) m += t[j]!;
  m /= t.length;
  let tss = 0;
  for (let j = 0; j < t.length; j++) {
    t[j] = t[j]! - m;
    tss += t[j]! * t[j]!;
  }
  if (tss === 0) {
    throw new ScoringError("constant_input", "targets are constant over the scored ids");
  }
  return { index: al.index[0]!, ids: al.ids, t, tss };
}

/** Inner CORR: Pearson of pow15(gaussianize(rank(predictions))) with prepared targets. */
export function corrInner(gaussPow: Float64Array, targets: CorrTargets): number {
  return pearsonCenteredInner(gaussPow, targets.t, targets.tss);
}

/**
 * Numerai's CORR (`numerai_corr`): targets centered over all their ids, then aligned by id with
 * the predictions; predictions tie-kept ranked, gaussianized, pow 1.5; targets pow 1.5; Pearson.
 * In [-1, 1]; invariant to row order and to increasing transforms of the predictions.
 * Ties: average ranks. NaN/Infinity: `non_finite_values`. Constant predictions (over the
 * aligned ids): `constant_predictions`. Over 20% of ids unmatched: `too_many_dropped_ids`.
 *
 * @example
 * corr({ ids: ["a", "b", "c"], values: Float64Array.of(0.1, 0.5, 0.9) },
 *      { ids: ["c", "b", "a"], values: Float64Array.of(1, 0.5, 0) }) // -> 1
 */
export function corr(predictions: Series, targets: Series): number {
  assertSeriesShape(predictions, "predictions");
  assertFinite(predictions.values, "predictions", predictions.ids);
  assertNotConstant(predictions.values, "predictions", "constant_predictions");
  const prepared = prepareCorrTargets(predictions.ids, targets);
  const rt = new RankTransform(predictions.values.length, prepared.index);
  if (!rt.apply(predictions.values)) {
    throw new ScoringError("constant_predictions", "predictions are constant over the scored ids");
  }
  return corrInner(rt.gaussPow, prepared);
}
