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
 * rest (FNC's basis needs no exposure, so this can start before the basis is built). Threads
 * claim columns with an atomic counter, so whoever is free takes what is left.
 */
export interface ExposureJob {
  readonly kind: "exposure";
  readonly matrix: FeatureMatrix;
  /** Predictions, each in the order of the scorer's ids (the matrix' `index` points into them). */
  readonly columns: readonly Float64Array[];
  readonly exposure: Float64Array;
  readonly feature: Int32Array;
  /** [next column to claim]. */
  readonly next: Int32Array;
}

/** A job measuring the exposure of `columns` into `results`' arrays. */
export function exposureJob(
  matrix: FeatureMatrix,
  columns: readonly Float64Array[],
  results: { exposure: Float64Array; feature: Int32Array },
): ExposureJob {
  const next = new Int32Array(new SharedArrayBuffer(4));
  return { kind: "exposure", matrix, columns, ...results, next };
}

/**
 * Claims columns of the job until none are left and measures their exposure, exactly as
 * `Scorer.score` does. Columns the scorer refuses (non-finite, constant) get whatever comes out:
 * their error wins. The context is prepared on the first claim only.
 */
export function runExposures(job: ExposureJob): void {
  const { matrix, columns } = job;
  let ctx: ReturnType<typeof prepareExposure> | null = null;
  let at: Map<string, number> | null = null;
  const x = new Float64Array(matrix.n);
  for (;;) {
    const k = Atomics.add(job.next, 0, 1);
    if (k >= columns.length) return;
    ctx ??= prepareExposure([], matrix);
    at ??= new Map(matrix.names.map((n, i) => [n, i]));
    const c = columns[k]!;
    for (let i = 0; i < x.length; i++) x[i] = c[matrix.index[i]!]!;
    const e = featureExposureInner(x, ctx);
    job.exposure[k] = e.maxFeatureExposure;
    job.feature[k] = at.get(e.maxFeature) ?? -1;
  }
}
