import { ScoringError } from "../errors";
import type { FeatureMatrix } from "../feature-matrix";
import { featureExposureInner, prepareExposure } from "../metrics/feature-exposure";
import { Scorer, type ScorerInputs, type SubmissionScores } from "../scorer";

/**
 * A scoring job shared between threads: the columns, the results and a claim counter all live
 * in SharedArrayBuffers (or are copied once per worker when the caller's columns are not
 * shared), so threads take chunks of columns with an atomic increment and never message per
 * submission.
 */
export interface SharedJob {
  readonly inputs: ScorerInputs;
  readonly columns: readonly Float64Array[];
  readonly chunk: number;
  /** [next chunk to claim, abort flag, columns done]. */
  readonly control: Int32Array;
  readonly corr: Float64Array;
  readonly mmc: Float64Array;
  readonly fnc: Float64Array;
  readonly exposure: Float64Array;
  readonly feature: Int32Array;
}

export interface JobError {
  readonly column: number;
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

/** Result arrays and control words for `count` columns, in shared memory. */
export function sharedResults(count: number) {
  const f64 = () => new Float64Array(new SharedArrayBuffer(8 * Math.max(count, 1)));
  return {
    control: new Int32Array(new SharedArrayBuffer(12)),
    corr: f64(),
    mmc: f64(),
    fnc: f64().fill(Number.NaN), // NaN: FNC left out (see omitUndefinedFnc)
    exposure: f64(),
    feature: new Int32Array(new SharedArrayBuffer(4 * Math.max(count, 1))),
  };
}

/** The names of the features exposure is measured over, in column order (none without). */
export function exposureNames(inputs: ScorerInputs): readonly string[] {
  if (inputs.exposureFeatures) return Object.keys(inputs.exposureFeatures.columns);
  if (inputs.featureMatrix) return inputs.featureMatrix.names;
  return inputs.features ? Object.keys(inputs.features.columns) : [];
}

/**
 * Claims chunks until none are left (or another thread failed, or `maxChunks` were taken) and
 * scores them. Returns the error of the first failing column, if any, after raising the abort
 * flag; `undefined` when it stopped at `maxChunks` with work possibly left.
 */
export function runShare(
  job: SharedJob,
  scorer: Scorer = new Scorer(job.inputs),
  maxChunks = Infinity,
): JobError | null | undefined {
  const { columns, chunk, control } = job;
  const featureNames = exposureNames(job.inputs);
  const featureIndex = new Map(featureNames.map((n, i) => [n, i]));
  const chunks = Math.ceil(columns.length / chunk);
  for (let taken = 0; ; taken++) {
    if (taken >= maxChunks) return undefined;
    if (Atomics.load(control, 1) !== 0) return null;
    const c = Atomics.add(control, 0, 1);
    if (c >= chunks) return null;
    const end = Math.min(columns.length, (c + 1) * chunk);
    for (let k = c * chunk; k < end; k++) {
      let s: SubmissionScores;
      try {
        s = scorer.score(columns[k]!, `column ${k}`);
      } catch (e) {
        Atomics.store(control, 1, 1);
        const err = e as Error;
        return {
          column: k,
          name: err.name,
          code: e instanceof ScoringError ? e.code : undefined,
          message: err.message,
          details: e instanceof ScoringError ? e.details : undefined,
        };
      }
      job.corr[k] = s.corr;
      if (s.mmc !== undefined) job.mmc[k] = s.mmc;
      if (s.fnc !== undefined) job.fnc[k] = s.fnc;
      if (s.maxFeatureExposure !== undefined) {
        job.exposure[k] = s.maxFeatureExposure;
        job.feature[k] = featureIndex.get(s.maxFeature!) ?? -1;
      }
    }
    Atomics.add(control, 2, end - c * chunk);
  }
}

/**
 * The feature exposure of every column, for a thread that measures it while others score the
 * rest (FNC's basis needs no exposure, so this can start before the basis is built).
 */
export interface ExposureJob {
  readonly kind: "exposure";
  readonly matrix: FeatureMatrix;
  /** Predictions, each in the order of the scorer's ids (the matrix' `index` points into them). */
  readonly columns: readonly Float64Array[];
  readonly exposure: Float64Array;
  readonly feature: Int32Array;
}

/**
 * Measures every column's exposure into the job's arrays, exactly as `Scorer.score` does. Columns
 * the scorer will refuse (non-finite, constant) get whatever comes out: their error wins.
 */
export function runExposures(job: ExposureJob): void {
  const { matrix, columns } = job;
  const ctx = prepareExposure([], matrix);
  const at = new Map(matrix.names.map((n, i) => [n, i]));
  const x = new Float64Array(matrix.n);
  columns.forEach((c, k) => {
    for (let i = 0; i < x.length; i++) x[i] = c[matrix.index[i]!]!;
    const e = featureExposureInner(x, ctx);
    job.exposure[k] = e.maxFeatureExposure;
    job.feature[k] = at.get(e.maxFeature) ?? -1;
  });
}
