import { ScoringError } from "../errors";
import { alignFeatureMatrix, type FeatureMatrix, featureColumn } from "../feature-matrix";
import { type Kernels, wasmKernels } from "../linalg/wasm-kernels";
import type { Frame, Series } from "../types";
import { assertFinite, assertNotConstant, assertSeriesShape } from "../validate";

/**
 * The features over the predictions' ids (one block, see `FeatureMatrix`), with their means and
 * centered sums of squares; the WebAssembly kernels' copy of the block is made on first use.
 * Not thread-safe (scratch memory); build one per thread.
 */
export interface ExposureContext {
  readonly index: Int32Array;
  readonly names: readonly string[];
  readonly matrix: FeatureMatrix;
  readonly mean: Float64Array;
  readonly ss: Float64Array;
  kernel?: ExposureKernel | null;
}

/** The feature block in a kernel instance's memory, with room for one vector and the dots. */
interface ExposureKernel {
  readonly k: Kernels;
  readonly a: number;
  readonly y: Float64Array;
  readonly out: Float64Array;
}

/** The largest absolute correlation of predictions with any feature, and that feature. */
export interface FeatureExposure {
  readonly maxFeatureExposure: number;
  readonly maxFeature: string;
}

/**
 * Validates and prepares the features for `featureExposureInner`; `features` may be aligned to
 * `predictionIds` already (`alignFeatureMatrix`).
 */
export function prepareExposure(
  predictionIds: readonly string[],
  features: Frame | FeatureMatrix,
): ExposureContext {
  const f = "data" in features ? features : alignFeatureMatrix(predictionIds, features);
  const count = f.names.length;
  const ss = new Float64Array(count);
  const mean = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const c = featureColumn(f, k);
    let m = 0;
    for (let i = 0; i < c.length; i++) m += c[i]!;
    m /= c.length;
    let q = 0;
    for (let i = 0; i < c.length; i++) q += (c[i]! - m) * (c[i]! - m);
    ss[k] = q;
    mean[k] = m;
  }
  if (ss.every((q) => q === 0)) {
    throw new ScoringError("constant_input", "every feature is constant; exposure is undefined");
  }
  return { index: f.index, names: f.names, matrix: f, mean, ss };
}

function exposureKernel(f: FeatureMatrix): ExposureKernel | null {
  const k = wasmKernels();
  if (!k) return null;
  const count = f.names.length;
  const aBytes = Math.ceil(f.data.byteLength / 16) * 16;
  const base = k.reserve(aBytes + (f.stride + count) * 8);
  const buf = k.memory.buffer;
  if (f.data instanceof Int16Array) new Int16Array(buf, base, f.data.length).set(f.data);
  else new Float64Array(buf, base, f.data.length).set(f.data);
  return {
    k,
    a: base,
    y: new Float64Array(buf, base + aBytes, f.stride),
    out: new Float64Array(buf, base + aBytes + f.stride * 8, count),
  };
}

/** sum_i dx_i c_i for every feature column c, into `out`. */
function columnDots(dx: Float64Array, ctx: ExposureContext, out: Float64Array): void {
  const f = ctx.matrix;
  if (ctx.kernel === undefined) ctx.kernel = exposureKernel(f);
  const kr = ctx.kernel;
  if (kr) {
    kr.y.set(dx); // rows past n stay 0
    const dots = f.data instanceof Int16Array ? kr.k.colDotsI16 : kr.k.colDotsF64;
    dots(kr.a, f.stride, f.names.length, kr.y.byteOffset, kr.out.byteOffset);
    out.set(kr.out);
    return;
  }
  for (let k = 0; k < f.names.length; k++) {
    const c = featureColumn(f, k);
    let s = 0;
    for (let i = 0; i < dx.length; i++) s += dx[i]! * c[i]!;
    out[k] = s;
  }
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
  const dots = new Float64Array(ctx.names.length);
  columnDots(dx, ctx, dots);
  let best = -1;
  let bestK = -1;
  for (let k = 0; k < dots.length; k++) {
    if (ctx.ss[k] === 0) continue;
    // sum dx_i (c_i - mean) = sum dx_i c_i - mean * sum dx_i (the latter ~0, kept exact).
    const sxy = dots[k]! - ctx.mean[k]! * sdx;
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
