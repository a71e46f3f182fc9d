import { parquetMetadata, parquetRead, parquetSchema } from "hyparquet";
import { ApiError, type ErrorCode } from "../errors";

/** More rows than any round has live ids: a bound on memory for compressed uploads. */
export const MAX_ROWS = 5_000_000;

export interface ParquetColumns {
  rows: number;
  /** The picked column names, in the order asked for. */
  names: string[];
  /** One array per picked column, `rows` long; cells as hyparquet decodes them. */
  columns: unknown[][];
}

/**
 * Reads some columns of an in-memory Parquet file (hyparquet: pure JS, so it runs on Workers
 * too). `pick` sees the file's column names and returns the ones to read, or throws.
 * A file hyparquet cannot read is answered with `code`.
 */
export async function readParquetColumns(
  bytes: Uint8Array,
  code: ErrorCode,
  pick: (names: string[]) => string[],
): Promise<ParquetColumns> {
  const file = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength,
  ) as ArrayBuffer;
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(file);
  } catch (e) {
    throw new ApiError(code, `Not a readable Parquet file: ${(e as Error).message}`);
  }
  const all = parquetSchema(metadata).children.map((c) => c.element.name);
  const names = pick(all);
  const rows = Number(metadata.num_rows);
  // A small compressed file can claim (and decompress to) far more than the upload limit.
  if (!(rows >= 0 && rows <= MAX_ROWS)) {
    throw new ApiError(code, `Parquet file has ${rows} rows; at most ${MAX_ROWS} are read`);
  }
  const columns = names.map(() => new Array<unknown>(rows));
  try {
    await parquetRead({
      file,
      metadata,
      columns: names,
      onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
        const out = columns[names.indexOf(columnName)];
        if (!out) return;
        const stop = Math.min(rowEnd, rows);
        for (let r = rowStart; r < stop; r++) out[r] = columnData[r - rowStart];
      },
    });
  } catch (e) {
    throw new ApiError(code, `Not a readable Parquet file: ${(e as Error).message}`);
  }
  return { rows, names, columns };
}
