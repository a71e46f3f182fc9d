import { parentPort } from "node:worker_threads";
import { runShare, type SharedJob } from "./shared";

// A scoring thread: for each job message, claim and score chunks, then report back.
parentPort!.on("message", (job: SharedJob & { id: number }) => {
  let error = null;
  try {
    error = runShare(job) ?? null;
  } catch (e) {
    error = { column: -1, name: (e as Error).name, message: (e as Error).message };
  }
  parentPort!.postMessage({ id: job.id, error });
});
parentPort!.postMessage({ ready: true });
