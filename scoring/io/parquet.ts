import { parquetMetadata, parquetRead, parquetSchema } from "hyparquet";
import { ScoringError } from "../errors";
import type { Frame } from "../types";

/**
 * Reads a Parquet file (already in memory) with an `id` column and numeric columns into typed
 * arrays, via hyparquet. Nulls become NaN (the scorer then reports `non_finite_values`);
 * bigint columns are converted to numbers.
 */
export async function parseParquetFrame(data: ArrayBuffer, what = "Parquet file"): Promise<Frame> {
  const metadata = parquetMetadata(data);
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  if (!names.includes("id")) {
    throw new ScoringError(
      "invalid_table",
      `${what}: no "id" column (columns: ${names.join(", ")})`,
    );
  }
  const rows = Number(metadata.num_rows);
  const ids: string[] = new Array(rows);
  const columns: Record<string, Float64Array> = {};
  for (const n of names) if (n !== "id") columns[n] = new Float64Array(rows);
  await parquetRead({
    file: data,
    metadata,
    onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
      const end = Math.min(rowEnd, rows);
      if (columnName === "id") {
        for (let r = rowStart; r < end; r++) ids[r] = String(columnData[r - rowStart]);
        return;
      }
      const out = columns[columnName];
      if (!out) return;
      for (let r = rowStart; r < end; r++) {
        const v = columnData[r - rowStart];
        out[r] = v === null || v === undefined ? Number.NaN : Number(v);
      }
    },
  });
  return { ids, columns };
}
