// Multi-threaded scoring (Node worker_threads); import from "scoring/parallel".
export { CSV_SPLIT_MIN_BYTES, CsvSplit } from "./csv-split";
export { ScoringPool } from "./pool";
export { scoreRoundParallel } from "./round";
