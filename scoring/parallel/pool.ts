import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ScoringError, type ScoringErrorCode } from "../errors";
import { alignFeatureMatrix } from "../feature-matrix";
import type { GramHelper } from "../linalg/gram";
import { Scorer, type ScorerInputs, type SubmissionScores } from "../scorer";
import {
  type ExposureJob,
  exposureNames,
  type JobError,
  exposureJob as makeExposureJob,
  runExposures,
  runShare,
  type SharedJob,
  sharedResults,
} from "./shared";

const WORKER_URL = new URL("./worker.mjs", import.meta.url);

interface Pending {
  resolve: (e: JobError | null) => void;
  reject: (e: Error) => void;
}

/**
 * Scores many submissions on several threads: the calling thread plus `threads - 1` workers.
 * Start it early (workers load in the background, ~0.1 s each) and reuse it. Node only.
 *
 * @example
 * const pool = ScoringPool.start(2);
 * const scores = await pool.score({ ids, targets, metaModel }, columns);
 * await pool.close();
 */
export class ScoringPool {
  private readonly workers: Worker[];
  private readonly ready: Promise<unknown>[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  private constructor(workers: number) {
    this.workers = Array.from({ length: workers }, () => new Worker(WORKER_URL));
    this.ready = this.workers.map(
      (w) =>
        new Promise((resolve, reject) => {
          w.once("error", reject);
          w.on("message", (m: { ready?: boolean; id?: number; error?: JobError | null }) => {
            if (m.ready) return resolve(true);
            const p = this.pending.get(m.id!);
            this.pending.delete(m.id!);
            p?.resolve(m.error ?? null);
          });
          w.on("error", (e) => {
            for (const p of this.pending.values()) p.reject(e);
            this.pending.clear();
          });
        }),
    );
  }

  /** A pool using `threads` threads in all (default: every core); 1 means no workers. */
  static start(threads = availableParallelism()): ScoringPool {
    return new ScoringPool(Math.max(0, threads - 1));
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Scores every column (each in the order of `inputs.ids`). Columns backed by a
   * SharedArrayBuffer are read in place by the workers; others are copied to each worker once.
   * `onProgress(done)` is called from this thread between chunks. Rejects with the first
   * `ScoringError` (naming the column) if any column cannot be scored.
   */
  async score(
    inputs: ScorerInputs,
    columns: readonly Float64Array[],
    options: { chunk?: number; onProgress?: (done: number) => void } = {},
  ): Promise<SubmissionScores[]> {
    const chunk = options.chunk ?? Math.max(1, Math.min(64, Math.ceil(columns.length / 64)));
    const results = sharedResults(columns.length);
    // Building the scorer here first surfaces input errors once, on this thread. With features
    // (and workers), they are aligned into shared memory and the basis is built once, a worker
    // taking a share of its Gram matrix and then measuring the columns' feature exposure while
    // this thread finishes the basis (this thread takes the columns it has not claimed once its
    // FNC is done); the workers then read both in place for FNC instead of each building its own.
    let scorer: Scorer;
    let shared = inputs;
    let exposures: Promise<JobError | null> | null = null;
    let exposureJob: ExposureJob | null = null;
    if (this.workers.length > 0 && (inputs.features || inputs.featureMatrix) && !inputs.basis) {
      const featureMatrix =
        inputs.featureMatrix ?? alignFeatureMatrix(inputs.ids, inputs.features!, { shared: true });
      const w = this.workers[0]!;
      if (!inputs.exposureFeatures) {
        exposureJob = makeExposureJob(featureMatrix, columns, results);
        const id = this.nextId++;
        exposures = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
        let posted = false;
        const post = () => {
          if (!posted) w.postMessage({ ...exposureJob, id });
          posted = true;
        };
        // After its share of the Gram matrix (if the basis takes that route), the exposures.
        const helper: GramHelper = {
          help: (job) => {
            w.postMessage(job);
            post();
          },
        };
        scorer = new Scorer({
          ...inputs,
          featureMatrix,
          gramHelper: helper,
          skipExposure: true,
        });
        post();
      } else {
        scorer = new Scorer({ ...inputs, featureMatrix, gramHelper: this.gramHelper });
      }
      const { features: _, ...rest } = inputs;
      shared = { ...rest, featureMatrix, basis: scorer.basis, skipExposure: !!exposureJob };
    } else {
      scorer = new Scorer(inputs);
    }
    const job: SharedJob = { inputs: shared, columns, chunk, ...results };
    const others = this.workers.map(async (w, i) => {
      await this.ready[i];
      const id = this.nextId++;
      return new Promise<JobError | null>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        w.postMessage({ ...job, id });
      });
    });
    const mine = await this.runHere(job, scorer, options.onProgress);
    // Exposures the worker has not claimed yet (it may be slow to start, or busy): here.
    if (exposureJob) runExposures(exposureJob);
    const theirs = await Promise.all(others);
    const exposureError = await exposures;
    if (exposureError) throw new Error(`scoring worker failed: ${exposureError.message}`);
    options.onProgress?.(Atomics.load(results.control, 2));
    const errors = [mine, ...theirs].filter((e): e is JobError => e !== null);
    if (errors.length > 0) {
      const e = errors.sort((a, b) => a.column - b.column)[0]!;
      if (e.code) throw new ScoringError(e.code as ScoringErrorCode, e.message, e.details ?? {});
      throw new Error(`scoring worker failed: ${e.message}`);
    }
    const featureNames = exposureNames(inputs);
    return columns.map((_, k) => {
      const s: SubmissionScores = { corr: results.corr[k]! };
      if (inputs.metaModel) s.mmc = results.mmc[k]!;
      if (inputs.features || inputs.featureMatrix) {
        if (!Number.isNaN(results.fnc[k]!)) s.fnc = results.fnc[k]!;
        s.maxFeatureExposure = results.exposure[k]!;
        s.maxFeature = featureNames[results.feature[k]!]!;
      }
      return s;
    });
  }

  /**
   * This thread's share, one chunk at a time, yielding to the event loop in between so that
   * workers that finish loading meanwhile get the job and progress can be drawn.
   */
  private async runHere(
    job: SharedJob,
    scorer: Scorer,
    onProgress?: (done: number) => void,
  ): Promise<JobError | null> {
    for (;;) {
      const r = runShare(job, scorer, 1);
      onProgress?.(Atomics.load(job.control, 2));
      if (r !== undefined) return r;
      await new Promise(setImmediate);
    }
  }

  /**
   * The first worker as a helper for building a basis (`ScorerInputs.gramHelper`): it takes a
   * share of the Gram matrix's row blocks once it is free. Undefined without workers.
   */
  get gramHelper(): GramHelper | undefined {
    const w = this.workers[0];
    return w && { help: (job) => w.postMessage(job) };
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
