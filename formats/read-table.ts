import { readFileSync } from "node:fs";
import { extname } from "node:path";
import type { ColumnTable } from "arquero";
import { ScoringError } from "../scoring/errors";
import type { Frame } from "../scoring/types";
import { parseCsvFrame } from "./csv";

/** True for .parquet / .pq file names. */
export function isParquet(path: string): boolean {
  const ext = extname(path).toLowerCase();
  return ext === ".parquet" || ext === ".pq";
}

async function load(path: string): Promise<Buffer> {
  try {
    // One blocking read: the promise API reads big files in 512 KB steps, each a round trip
    // through the thread pool (tens of ms for a 15 MB predictions file).
    return readFileSync(path);
  } catch (e) {
    throw new ScoringError("invalid_table", `cannot read ${path}: ${(e as Error).message}`);
  }
}

/**
 * Reads a CSV or Parquet file with an `id` column and numeric columns:
 * `{ ids, columns: { name: Float64Array } }`, rows in file order.
 *
 * @example
 * const preds = await readFrame("predictions.csv") // preds.columns.model_0
 */
export async function readFrame(path: string): Promise<Frame> {
  const data = await load(path);
  if (isParquet(path)) {
    const ab = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    const { parseParquetFrame } = await import("./parquet");
    return parseParquetFrame(ab, path);
  }
  return parseCsvFrame(data, path);
}

/**
 * Reads a CSV or Parquet file into an arquero table (any column types; `id` and `era` kept as
 * strings in CSV). Used where string columns matter, e.g. validation files grouped by era.
 */
export async function readTable(path: string): Promise<ColumnTable> {
  const data = await load(path);
  const { fromCSV, table } = await import("arquero");
  if (isParquet(path)) {
    const { ParquetReadError, readParquetColumns } = await import("./parquet");
    const read = await readParquetColumns(data, (names) => names, Number.POSITIVE_INFINITY).catch(
      (e) => {
        if (e instanceof ParquetReadError)
          throw new ScoringError("invalid_table", `${path}: ${e.message}`);
        throw e;
      },
    );
    const cols: Record<string, unknown[]> = {};
    for (const [k, n] of read.names.entries()) {
      cols[n] = read.columns[k]!.map((v) => (typeof v === "bigint" ? Number(v) : v));
    }
    return table(cols);
  }
  return fromCSV(data.toString("utf8"), { parse: { id: String, era: String } });
}
