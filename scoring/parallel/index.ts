// Multi-threaded scoring (Node worker_threads); import from "scoring/parallel". The CSV file
// split across two threads (`CsvSplit`) reads files, so it lives in formats/csv-split.ts.
export { ScoringPool } from "./pool";
export { scoreRoundParallel } from "./round";
