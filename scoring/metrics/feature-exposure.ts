import { ScoringError } from "../errors";
import type { Frame, Series } from "../types";
import { assertFinite, assertNotConstant, assertSeriesShape } from "../validate";
import { alignFeatures } from "./fnc";

/**
 * Feature columns over the predictions' ids (int16 when they are small integers: a quarter of
 * the memory), with their means and centered sums of squares.
 */
export interface ExposureContext {
  readonly index: Int32Array;
  readonly names: readonly string[];
  readonly columns: readonly (Float64Array | Int16Array)[];
  readonly mean: Float64Array;
  readonly ss: Float64Array;
}

/** The largest absolute correlation of predictions with any feature, and that feature. */
export interface FeatureExposure {
  readonly maxFeatureExposure: number;
  readonly maxFeature: string;
}

/** Validates and prepares the features for `featureExposureInner`. */
export function prepareExposure(
  predictionIds: readonly string[],
  features: Frame,
): ExposureContext {
  const f = alignFeatures(predictionIds, features);
  const ss = new Float64Array(f.columns.length);
  const mean = new Float64Array(f.columns.length);
  const columns = f.columns.map((c, k) => {
    let m = 0;
    let integer = true;
    for (let i = 0; i < c.length; i++) {
      const v = c[i]!;
      m += v;
      if (integer && (v !== Math.trunc(v) || v > 32767 || v < -32768)) integer = false;
    }
    m /= c.length;
    let q = 0;
    for (let i = 0; i < c.length; i++) q += (c[i]! - m) * (c[i]! - m);
    ss[k] = q;
    mean[k] = m;
    return integer ? Int16Array.from(c) : c;
  });
  if (ss.every((q) => q === 0)) {
    throw new ScoringError("constant_input", "every feature is constant; exposure is undefined");
  }
  return { index: f.index, names: f.names, columns, mean, ss };
}

/**
 * Inner exposure of raw predictions `x` (over the context's ids): max over non-constant features
 * of |Pearson(x, feature)|; the first feature (in column order) wins a tie.
 */
export function featureExposureInner(x: Float64Array, ctx: ExposureContext): FeatureExposure {
  const n = x.length;
  let mx = 0;
  for (let i = 0; i < n; i++) mx += x[i]!;
  mx /= n;
  let sxx = 0;
  for (let i = 0; i < n; i++) sxx += (x[i]! - mx) * (x[i]! - mx);
  const dx = new Float64Array(n);
  let sdx = 0;
  for (let i = 0; i < n; i++) {
    dx[i] = x[i]! - mx;
    sdx += dx[i]!;
  }
  let best = -1;
  let bestK = -1;
  for (let k = 0; k < ctx.columns.length; k++) {
    if (ctx.ss[k] === 0) continue;
    const c = ctx.columns[k]!;
    // sum dx_i (c_i - mean) = sum dx_i c_i - mean * sum dx_i (the latter ~0, kept exact).
    let sxy = 0;
    for (let i = 0; i < n; i++) sxy += dx[i]! * c[i]!;
    sxy -= ctx.mean[k]! * sdx;
    const r = Math.abs(sxy / Math.sqrt(sxx * ctx.ss[k]!));
    if (r > best) {
      best = r;
      bestK = k;
    }
  }
  return { maxFeatureExposure: Math.min(1, best), maxFeature: ctx.names[bestK]! };
}

/**
 * Numerai's `max_feature_correlation`: the largest |Pearson(raw predictions, feature)| over the
 * features, and which feature. Raw predictions (no rank). Constant features are skipped (their
 * correlation is undefined); ties go to the first column. NaN/Infinity: `non_finite_values`;
 * constant predictions: `constant_predictions`; all features constant: `constant_input`.
 *
 * @example
 * featureExposure(preds, features) // -> { maxFeatureExposure: 0.08, maxFeature: "feature_3" }
 */
export function featureExposure(predictions: Series, features: Frame): FeatureExposure {
  assertSeriesShape(predictions, "predictions");
  assertFinite(predictions.values, "predictions", predictions.ids);
  assertNotConstant(predictions.values, "predictions", "constant_predictions");
  const ctx = prepareExposure(predictions.ids, features);
  const x = Float64Array.from(ctx.index, (i) => predictions.values[i]!);
  assertNotConstant(x, "predictions", "constant_predictions");
  return featureExposureInner(x, ctx);
}
