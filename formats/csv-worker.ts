import { parentPort } from "node:worker_threads";
import type { CodesScoring } from "../scoring/metrics/corr-mmc";
import {
  awaitControl,
  CHUNKS_DONE,
  type CsvJob,
  HELPER_FAILED,
  jobViews,
  PREP_READY,
  parseChunks,
  rankBlocks,
  STOP,
  scoreColumn,
  sharedPrep,
} from "./csv-shared";

// The helper thread of `CsvSplit`: parses row chunks of the job, waits for the rest, ranks
// blocks of columns, and scores the ones it ranked once the main thread has shared what that
// takes. Errors only raise flags: the main thread redoes whatever is missing.
parentPort!.once("message", (job: CsvJob) => {
  const v = jobViews(job);
  try {
    parseChunks(job, v, null, "CSV");
    if (job.rank && awaitControl(v, CHUNKS_DONE, v.chunks)) {
      let prep: CodesScoring | null = null;
      const unscored: number[] = [];
      rankBlocks(job, v, () => (prep ??= sharedPrep(job, v)), unscored);
      if (unscored.length > 0 && awaitControl(v, PREP_READY, 1)) {
        prep ??= sharedPrep(job, v);
        const pair = new Float64Array(2);
        // Last first: the main thread takes columns in order, so the two meet in the middle.
        for (let k = unscored.length - 1; k >= 0; k--) {
          if (Atomics.load(v.control, STOP) !== 0) break;
          scoreColumn(v, unscored[k]!, prep!, pair);
        }
      }
    }
  } catch {
    Atomics.store(v.control, HELPER_FAILED, 1);
    Atomics.store(v.control, STOP, 1);
    Atomics.notify(v.control, CHUNKS_DONE);
  }
  parentPort!.close();
});
parentPort!.postMessage("ready");
