// Multi-threaded scoring (Node worker_threads); import from "scoring/parallel".
export { ScoringPool } from "./pool";
export { scoreRoundParallel } from "./round";
