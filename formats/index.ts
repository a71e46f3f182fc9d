// The project's file formats (Node only): CSV and Parquet read into typed arrays or arquero
// tables, for the scorer's CLI paths, the API's uploads and the workers. scoring/ does no I/O.
export {
  CsvReadError,
  type CsvTable,
  isNumberCell,
  parseCsvFrame,
  parseCsvTable,
  parseIdValueCsv,
  parseLiveIds,
  parseNumber,
} from "./csv";
export { parseParquetFrame } from "./parquet";
export { isParquet, readFrame, readTable } from "./read-table";
