import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { ScoringError } from "../scoring/errors";
import type { Scorer, SubmissionScores } from "../scoring/scorer";
import type { Frame } from "../scoring/types";
import { frameColumns, parseCsvFrame, parseSimpleCsv, scanCsv } from "./csv";
import {
  allocateJob,
  awaitControl,
  CHUNKS_DONE,
  type CsvJob,
  HELPER_FAILED,
  type JobViews,
  jobViews,
  parseChunks,
  RANK_PENDING,
  rankBlocks,
  rankColumn,
  SCORED,
  SCORING,
  STOP,
  scoreColumn,
  sharePrep,
} from "./csv-shared";

// Compiled (dist/cli): one CommonJS file, quicker for a thread to load; from source: the shim
// that loads the TypeScript.
const COMPILED_WORKER = new URL("./csv-worker.cjs", import.meta.url);
const WORKER_URL = existsSync(COMPILED_WORKER)
  ? COMPILED_WORKER
  : new URL("./csv-worker.mjs", import.meta.url);

/** How long the main thread waits on the helper's claimed work before doing it itself. */
const HELPER_PATIENCE_MS = 2000;

/** Below this size a predictions CSV is read on one thread: the helper would not pay its start. */
export const CSV_SPLIT_MIN_BYTES = 8 << 20;

/**
 * One big predictions CSV read and scored by two threads: this one and a helper started first,
 * which loads meanwhile. Both parse chunks of rows into shared memory; then, while this thread
 * reads the other inputs and prepares the scorer, the helper already ranks columns (usually the
 * costliest step), and both rank and score the rest. Results and errors are exactly those of
 * `readFrame` and `Scorer.score` on one thread: both threads run the same functions on the same
 * data, and on any error the work is redone here on one thread, so the first error in file
 * order is the one reported.
 *
 * @example
 * const split = CsvSplit.start();
 * await split.load("predictions.csv"); // the helper starts parsing
 * const targets = await readFrame("targets.csv");
 * const frame = split.frame();
 * const scores = split.score(frame, new Scorer({ ids: frame.ids, targets: ... }));
 */
export class CsvSplit {
  private path = "";
  private buf: Buffer | null = null;
  private job: CsvJob | null = null;
  private views: JobViews | null = null;
  private loaded: Frame | null = null;

  /** Resolves once the helper has loaded (false if it failed to); nothing needs to wait for it. */
  readonly ready: Promise<boolean>;

  private constructor(private readonly worker: Worker) {
    this.ready = new Promise((resolve) => {
      worker.once("message", () => resolve(true));
      worker.once("error", () => resolve(false));
      worker.once("exit", () => resolve(false));
    });
  }

  /** Starts the helper thread (it does not keep the process alive). */
  static start(): CsvSplit {
    const worker = new Worker(WORKER_URL);
    worker.unref();
    worker.on("error", () => {}); // a lost helper's claims are taken over: HELPER_PATIENCE_MS
    return new CsvSplit(worker);
  }

  /**
   * Reads `path` and hands the helper its share of the parsing (reading errors are thrown here,
   * like `readFrame`'s). With `rank` (the default) the helper goes on to rank the columns.
   */
  async load(path: string, options: { rank?: boolean } = {}): Promise<void> {
    this.path = path;
    try {
      const { bytes, len } = readShared(path);
      const buf = Buffer.from(bytes, 0, len);
      this.buf = buf;
      if (buf.includes(34 /* " */)) {
        this.stop();
        this.loaded = await parseCsvFrame(buf, path); // quoted fields: the general parser
        return;
      }
      const layout = scanCsv(buf, path, Math.max(1 << 16, Math.ceil(len / 48)));
      this.job = allocateJob(bytes, len, layout, options.rank ?? true);
      this.views = jobViews(this.job);
      this.worker.postMessage(this.job);
    } catch (e) {
      this.stop();
      throw e;
    }
  }

  /** The parsed file (after `load`), parsing chunks here too until all are done. */
  frame(): Frame {
    if (this.loaded) return this.loaded;
    const job = this.job;
    const v = this.views;
    const buf = this.buf!;
    if (!job || !v) return this.fallback();
    const ids: string[] = new Array(job.layout.rows);
    let mine: number[];
    try {
      mine = parseChunks(job, v, ids, this.path);
    } catch {
      return this.fallback();
    }
    // The helper's chunks: wait for them (a helper that never started claimed none).
    if (mine.length < v.chunks && !awaitControl(v, CHUNKS_DONE, v.chunks, HELPER_PATIENCE_MS)) {
      return this.fallback();
    }
    const own = new Uint8Array(v.chunks);
    for (const k of mine) own[k] = 1;
    const { chunks } = job.layout;
    for (let k = 0; k < v.chunks; k++) {
      if (own[k]) continue;
      for (let r = chunks.row[k]!; r < chunks.row[k + 1]!; r++) {
        ids[r] = buf.toString("utf8", v.idRange[2 * r]!, v.idRange[2 * r + 1]!);
      }
    }
    this.loaded = { ids, columns: frameColumns(job.layout, v.data) };
    return this.loaded;
  }

  /**
   * Scores every column of `frame()`, in order, like `scorer.score` on each (`onProgress` told
   * after each). Shares the work with the helper when the scorer needs nothing but each
   * column's ranking (`scorer.ranksWholeVector`); otherwise stops it and scores here.
   */
  score(
    frame: Frame,
    scorer: Scorer,
    onProgress: (done: number) => void = () => {},
  ): Record<string, SubmissionScores> {
    const out: Record<string, SubmissionScores> = {};
    const names = Object.keys(frame.columns);
    const job = this.job;
    const v = this.views;
    if (frame !== this.loaded || !job?.rank || !v || !scorer.ranksWholeVector) {
      this.stop();
      names.forEach((name, j) => {
        out[name] = scorer.score(frame.columns[name]!, `model column "${name}"`);
        onProgress(j + 1);
      });
      return out;
    }
    const prep = scorer.forCodes;
    sharePrep(job, v, prep);
    rankBlocks(job, v, () => prep, []); // join the helper until no column is left to claim
    const { rows, groups, control } = v;
    // A helper that failed says so; one that died or stalls is given up on after a while (a
    // column takes well under a millisecond): this thread then does that column's work itself,
    // the same work with the same result should the helper still finish it.
    let patience = performance.now() + HELPER_PATIENCE_MS;
    let gaveUp = false;
    const givenUp = () =>
      (gaveUp ||= Atomics.load(control, HELPER_FAILED) !== 0 || performance.now() > patience);
    const pair = new Float64Array(2);
    names.forEach((name, j) => {
      let g = Atomics.load(groups, j);
      while (g === RANK_PENDING) {
        if (givenUp()) rankColumn(v, j);
        else Atomics.wait(groups, j, RANK_PENDING, 20);
        g = Atomics.load(groups, j);
      }
      const what = `model column "${name}"`;
      const codes = v.codes.subarray(j * rows, (j + 1) * rows);
      if (g < 2 || (!scoreColumn(v, j, prep, pair) && !awaitScored(v, j, givenUp))) {
        out[name] = scorer.scoreRankCodes(frame.columns[name]!, codes, g, what); // or its error
      } else {
        pair[0] = v.scores[2 * j]!;
        pair[1] = v.scores[2 * j + 1]!;
        out[name] = scorer.scoreRankCodes(frame.columns[name]!, codes, g, what, pair);
      }
      onProgress(j + 1);
      patience = performance.now() + HELPER_PATIENCE_MS; // progress: the helper is alive
    });
    return out;
  }

  /** Stops the helper: the work it has claimed is no longer wanted. */
  stop(): void {
    if (this.views) Atomics.store(this.views.control, STOP, 1);
    void this.worker.terminate();
  }

  /** After a parse error (or a lost helper): everything again on this thread. */
  private fallback(): Frame {
    this.stop();
    this.job = null;
    this.views = null;
    this.loaded = parseSimpleCsv(this.buf!, this.path);
    return this.loaded;
  }
}

/** Waits for another thread's scores of column j; false if that thread was given up on. */
function awaitScored(v: JobViews, j: number, givenUp: () => boolean): boolean {
  for (;;) {
    if (Atomics.load(v.scored, j) === SCORED) return true;
    if (givenUp()) return false;
    Atomics.wait(v.scored, j, SCORING, 20);
  }
}

/** The file's bytes in shared memory, with a final newline added if it had none. */
function readShared(path: string): { bytes: SharedArrayBuffer; len: number } {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const size = fstatSync(fd).size;
    const bytes = new SharedArrayBuffer(size + 1);
    const view = new Uint8Array(bytes);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, view, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    const len = got > 0 && view[got - 1] !== 10 ? got + 1 : got;
    if (len > got) view[got] = 10;
    return { bytes, len };
  } catch (e) {
    throw new ScoringError("invalid_table", `cannot read ${path}: ${(e as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
