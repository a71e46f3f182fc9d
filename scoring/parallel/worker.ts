import { parentPort } from "node:worker_threads";
import { type GramJob, helpWithGram } from "../linalg/gram";
import { wasmKernels } from "../linalg/wasm-kernels";
import { type ExposureJob, runExposures, runShare, type SharedJob } from "./shared";

// A scoring thread: for each job message, claim and score chunks, then report back; for a share
// of a basis' Gram matrix (`GramJob`), take row blocks until none are left (the caller waits on
// the job's shared flags, not on a message); for an `ExposureJob`, measure every column's
// feature exposure, then report back.
parentPort!.on("message", (job: ((SharedJob | ExposureJob) & { id: number }) | GramJob) => {
  if ("kind" in job && job.kind === "gram") {
    const k = wasmKernels();
    if (k) helpWithGram(k, job); // without kernels it claims nothing: nobody waits for it
    return;
  }
  if ("kind" in job && job.kind === "exposure") {
    let error = null;
    try {
      runExposures(job);
    } catch (e) {
      error = { column: -1, name: (e as Error).name, message: (e as Error).message };
    }
    parentPort!.postMessage({ id: job.id, error });
    return;
  }
  const scoring = job as SharedJob & { id: number };
  let error = null;
  try {
    error = runShare(scoring) ?? null;
  } catch (e) {
    error = { column: -1, name: (e as Error).name, message: (e as Error).message };
  }
  parentPort!.postMessage({ id: scoring.id, error });
});
parentPort!.postMessage({ ready: true });
