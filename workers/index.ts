export { type Chain, type ChainConfig, createChain } from "./chain/client";
export { type JobContext, NotReady } from "./context";
export { handlers, type RunningWorker, runJob, startWorker, type WorkerOptions } from "./runner";
