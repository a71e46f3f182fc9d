import { type CodesScoring, corrMmcFromCodes } from "../scoring/metrics/corr-mmc";
import { rankCodesInto } from "../scoring/rank";
import { type CsvLayout, parseCsvRows } from "./csv";

/**
 * A big predictions CSV parsed, ranked and scored by two threads (see `CsvSplit`). Everything
 * lives in SharedArrayBuffers; threads claim row chunks, then blocks of columns, with atomic
 * counters, and publish each column's rank and scores with an atomic store.
 */
export interface CsvJob {
  /** The file's bytes, ending in a newline (`len` of them). */
  readonly bytes: SharedArrayBuffer;
  readonly len: number;
  readonly layout: CsvLayout;
  /** Float64: value column j of row r at j * rows + r. */
  readonly data: SharedArrayBuffer;
  /** Int32: byte range of row r's id at 2r, 2r + 1 (rows parsed by the helper). */
  readonly idRange: SharedArrayBuffer;
  /** Int32: rank codes of value column j at j * rows (see `rankCodesInto`). */
  readonly codes: SharedArrayBuffer;
  /** Int32 per value column: `rankCodesInto`'s result, or RANK_PENDING. */
  readonly groups: SharedArrayBuffer;
  /** Float64 per value column: CORR at 2j, MMC at 2j + 1, once `scored[j]` is SCORED. */
  readonly scores: SharedArrayBuffer;
  /** Int32 per value column: UNSCORED, SCORING (claimed) or SCORED. */
  readonly scored: SharedArrayBuffer;
  /** Float64 [tss, mm, tm, has MMC, CORR targets, MMC targets, meta model, gauss, gaussPow]. */
  readonly prepF64: SharedArrayBuffer;
  /** Int32: the positions of `CodesScoring`. */
  readonly prepI32: SharedArrayBuffer;
  /** Int32 control words, see the constants below. */
  readonly control: SharedArrayBuffer;
  /** Columns per claim when ranking. */
  readonly rankBlock: number;
  /** Whether the helper ranks columns once they are parsed (not when the ranks go unused). */
  readonly rank: boolean;
}

export const RANK_PENDING = -2;
export const UNSCORED = 0;
export const SCORING = 1;
export const SCORED = 2;
/** control[]: next row chunk to claim; row chunks parsed; next column block to claim. */
export const NEXT_CHUNK = 0;
export const CHUNKS_DONE = 1;
export const NEXT_BLOCK = 2;
/** Set when anything failed or the ranks are not wanted: every thread stops claiming work. */
export const STOP = 3;
/** Set by the helper thread when it failed (its claimed work may be unfinished). */
export const HELPER_FAILED = 4;
/** Set once `prepF64`/`prepI32` hold the scorer's `CodesScoring`. */
export const PREP_READY = 5;
export const CONTROL_WORDS = 6;

/** Shared buffers for a job over `layout` (all zero, rank results pending). */
export function allocateJob(
  bytes: SharedArrayBuffer,
  len: number,
  layout: CsvLayout,
  rank: boolean,
): CsvJob {
  const { rows } = layout;
  const values = layout.header.length - 1;
  const job: CsvJob = {
    bytes,
    len,
    layout,
    data: new SharedArrayBuffer(8 * rows * values),
    idRange: new SharedArrayBuffer(8 * rows),
    codes: new SharedArrayBuffer(4 * rows * values),
    groups: new SharedArrayBuffer(4 * values),
    scores: new SharedArrayBuffer(16 * values),
    scored: new SharedArrayBuffer(4 * values),
    prepF64: new SharedArrayBuffer(8 * (4 + 3 * rows + 2 * (2 * rows + 1))),
    prepI32: new SharedArrayBuffer(4 * rows),
    control: new SharedArrayBuffer(4 * CONTROL_WORDS),
    rankBlock: 4,
    rank,
  };
  new Int32Array(job.groups).fill(RANK_PENDING);
  return job;
}

/** Typed views of a job, per thread. */
export function jobViews(job: CsvJob) {
  const rows = job.layout.rows;
  const values = job.layout.header.length - 1;
  return {
    bytes: new Uint8Array(job.bytes, 0, job.len),
    data: new Float64Array(job.data),
    idRange: new Int32Array(job.idRange),
    codes: new Int32Array(job.codes),
    groups: new Int32Array(job.groups),
    scores: new Float64Array(job.scores),
    scored: new Int32Array(job.scored),
    control: new Int32Array(job.control),
    chunks: job.layout.chunks.byte.length,
    rows,
    values,
  };
}

export type JobViews = ReturnType<typeof jobViews>;

/**
 * Claims and parses row chunks until none are left (or STOP). Ids go to `ids` when given, else
 * as byte ranges to `idRange`. Returns the chunks this thread parsed. Throws on a parse error
 * after raising STOP.
 */
export function parseChunks(job: CsvJob, v: JobViews, ids: string[] | null, what: string) {
  const mine: number[] = [];
  const { control } = v;
  for (;;) {
    if (Atomics.load(control, STOP) !== 0) return mine;
    const k = Atomics.add(control, NEXT_CHUNK, 1);
    if (k >= v.chunks) return mine;
    try {
      parseCsvRows(v.bytes, job.layout, k, v.data, ids, v.idRange, what);
    } catch (e) {
      Atomics.store(control, STOP, 1);
      Atomics.notify(control, CHUNKS_DONE);
      throw e;
    }
    mine.push(k);
    Atomics.add(control, CHUNKS_DONE, 1);
    Atomics.notify(control, CHUNKS_DONE);
  }
}

/**
 * Waits until control word `word` reaches `target`; false if STOP was raised first or
 * `timeoutMs` passed.
 */
export function awaitControl(
  v: JobViews,
  word: number,
  target: number,
  timeoutMs = Number.POSITIVE_INFINITY,
): boolean {
  const { control } = v;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (Atomics.load(control, STOP) !== 0) return false;
    const now = Atomics.load(control, word);
    if (now >= target) return true;
    if (performance.now() > deadline) return false;
    Atomics.wait(control, word, now, 50);
  }
}

/** Ranks value column j into the shared codes and publishes its result. */
export function rankColumn(v: JobViews, j: number): void {
  const { rows } = v;
  const g = rankCodesInto(
    v.data.subarray(j * rows, (j + 1) * rows),
    v.codes.subarray(j * rows, (j + 1) * rows),
  );
  Atomics.store(v.groups, j, g);
  Atomics.notify(v.groups, j);
}

/**
 * Scores ranked column j (CORR, MMC from its codes) unless another thread claimed it; true if
 * this thread did.
 */
export function scoreColumn(v: JobViews, j: number, s: CodesScoring, pair: Float64Array) {
  if (Atomics.compareExchange(v.scored, j, UNSCORED, SCORING) !== UNSCORED) return false;
  const { rows } = v;
  corrMmcFromCodes(v.codes.subarray(j * rows, (j + 1) * rows), s, pair);
  v.scores[2 * j] = pair[0]!;
  v.scores[2 * j + 1] = pair[1]!;
  Atomics.store(v.scored, j, SCORED);
  Atomics.notify(v.scored, j);
  return true;
}

/**
 * Claims blocks of columns and ranks them until none are left (or STOP); each is scored right
 * away when `scoring()` has what it takes, else its index goes to `unscored`.
 */
export function rankBlocks(
  job: CsvJob,
  v: JobViews,
  scoring: () => CodesScoring | null,
  unscored: number[],
): void {
  const { control } = v;
  const pair = new Float64Array(2);
  for (;;) {
    if (Atomics.load(control, STOP) !== 0) return;
    const first = Atomics.add(control, NEXT_BLOCK, 1) * job.rankBlock;
    if (first >= v.values) return;
    const end = Math.min(v.values, first + job.rankBlock);
    for (let j = first; j < end; j++) {
      rankColumn(v, j);
      const s = scoring();
      if (s) scoreColumn(v, j, s, pair);
      else unscored.push(j);
    }
  }
}

/** Writes the scorer's `CodesScoring` for the helper and raises PREP_READY. */
export function sharePrep(job: CsvJob, v: JobViews, s: CodesScoring): void {
  const n = v.rows;
  const f = new Float64Array(job.prepF64);
  f[0] = s.tss;
  f[1] = s.mm;
  f[2] = s.tm;
  f[3] = s.mmcT ? 1 : 0;
  f.set(s.corrT, 4);
  if (s.mmcT && s.mmcM) {
    f.set(s.mmcT, 4 + n);
    f.set(s.mmcM, 4 + 2 * n);
  }
  f.set(s.gauss, 4 + 3 * n);
  f.set(s.gaussPow, 4 + 3 * n + (2 * n + 1));
  new Int32Array(job.prepI32).set(s.pos);
  Atomics.store(v.control, PREP_READY, 1);
  Atomics.notify(v.control, PREP_READY);
}

/** The `CodesScoring` shared by `sharePrep`, once PREP_READY is raised; else null. */
export function sharedPrep(job: CsvJob, v: JobViews): CodesScoring | null {
  if (Atomics.load(v.control, PREP_READY) === 0) return null;
  const n = v.rows;
  const f = new Float64Array(job.prepF64);
  const at = (k: number, len: number) => f.subarray(k, k + len);
  const mmc = f[3] === 1;
  return {
    pos: new Int32Array(job.prepI32),
    tss: f[0]!,
    mm: f[1]!,
    tm: f[2]!,
    corrT: at(4, n),
    mmcT: mmc ? at(4 + n, n) : null,
    mmcM: mmc ? at(4 + 2 * n, n) : null,
    gauss: at(4 + 3 * n, 2 * n + 1),
    gaussPow: at(4 + 3 * n + (2 * n + 1), 2 * n + 1),
  };
}
