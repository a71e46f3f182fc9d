// File readers for the scorer (Node only; the scoring core itself does no I/O).
export { parseCsvFrame } from "./csv";
export { parseParquetFrame } from "./parquet";
export { isParquet, readFrame, readTable } from "./read-table";
