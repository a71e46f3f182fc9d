import { ScoringError } from "../errors";
import { alignFeatureMatrix, type FeatureMatrix } from "../feature-matrix";
import type { GramHelper } from "../linalg/gram";
import { type NeutralBasis, neutralBasisOf, neutralizeInto } from "../neutralize";
import { RankTransform } from "../rank-transform";
import type { Frame, Series } from "../types";
import { assertFinite, assertNotConstant, assertSeriesShape } from "../validate";
import { varianceNormalizeInto } from "../variance-normalize";
import { type CorrTargets, corrInner, prepareCorrTargets } from "./corr";

/** Features and targets prepared for FNC against predictions over fixed ids. */
export interface FncContext {
  /** Positions (in the predictions' id order) of the ids shared with the features. */
  readonly index: Int32Array;
  readonly ids: readonly string[];
  readonly basis: NeutralBasis;
  /** CORR targets over the neutralized vector's ids (positions into `ids`). */
  readonly targets: CorrTargets;
  /** Scratch: neutralized predictions. */
  readonly scratch: Float64Array;
  /** Second rank transform (CORR ranks the neutralized predictions again). */
  readonly rerank: RankTransform;
}

/**
 * Validates and prepares features (neutralization basis) and targets for `fncInner`. `features`
 * may be aligned to `predictionIds` already (`alignFeatureMatrix`). `basis`: the basis of these
 * features over these ids built before (e.g. stored when a validation set was prepared), used
 * instead of building it again; `helper`: a thread that shares building it.
 */
export function prepareFnc(
  predictionIds: readonly string[],
  features: Frame | FeatureMatrix,
  targets: Series,
  basis?: NeutralBasis,
  helper?: GramHelper,
): FncContext {
  const f = "data" in features ? features : alignFeatureMatrix(predictionIds, features);
  if (basis && basis.n !== f.ids.length) {
    throw new ScoringError(
      "length_mismatch",
      `the given basis has ${basis.n} rows, the features ${f.ids.length}`,
    );
  }
  basis ??= neutralBasisOf(
    { n: f.n, stride: f.stride, count: f.names.length, data: f.data },
    undefined,
    false,
    helper,
  );
  const t = prepareCorrTargets(f.ids, targets);
  return {
    index: f.index,
    ids: f.ids,
    basis,
    targets: t,
    scratch: new Float64Array(f.ids.length),
    rerank: new RankTransform(f.ids.length, t.index),
  };
}

/**
 * Inner FNC from gaussianized predictions p over the context's ids: neutralize against the
 * features, variance-normalize, then CORR (which ranks again) against the targets.
 */
export function fncInner(p: Float64Array, ctx: FncContext): number {
  const neutral = neutralizeInto(p, ctx.basis, ctx.scratch);
  // What is left of predictions the features explain (e.g. a copy of a binary feature) is
  // rounding noise, whose ranking means nothing: no FNC then, rather than a random number.
  let left = 0;
  let all = 0;
  for (let i = 0; i < p.length; i++) {
    left += neutral[i]! * neutral[i]!;
    all += p[i]! * p[i]!;
  }
  if (!(left > 1e-20 * all)) {
    throw new ScoringError(
      "constant_predictions",
      "predictions are fully explained by the features (nothing left after neutralization)",
    );
  }
  varianceNormalizeInto(neutral, neutral);
  if (!ctx.rerank.apply(neutral)) {
    throw new ScoringError(
      "constant_predictions",
      "predictions are fully explained by the features (nothing left after neutralization)",
    );
  }
  return corrInner(ctx.rerank.gaussPow, ctx.targets);
}

/**
 * Numerai's FNC (`feature_neutral_corr`): p = gaussianize(tie-kept rank(predictions)), neutralized
 * against [features, 1] (minimum-norm least squares, rcond 1e-6), variance-normalized, then CORR.
 * Ties: average ranks. NaN/Infinity: `non_finite_values`. Constant predictions:
 * `constant_predictions`. Over 20% of ids unmatched: `too_many_dropped_ids`.
 *
 * @example
 * fnc(preds, { ids, columns: { feature_0, feature_1 } }, targets) // -> e.g. 0.021
 */
export function fnc(predictions: Series, features: Frame, targets: Series): number {
  assertSeriesShape(predictions, "predictions");
  assertFinite(predictions.values, "predictions", predictions.ids);
  assertNotConstant(predictions.values, "predictions", "constant_predictions");
  const ctx = prepareFnc(predictions.ids, features, targets);
  const rt = new RankTransform(predictions.values.length, ctx.index);
  if (!rt.apply(predictions.values)) {
    throw new ScoringError("constant_predictions", "predictions are constant over the scored ids");
  }
  return fncInner(rt.gauss, ctx);
}
