import { parquetMetadata, parquetRead, parquetSchema } from "hyparquet";
import { ScoringError } from "../scoring/errors";
import type { Frame } from "../scoring/types";

/**
 * The one reader of Parquet files (hyparquet: pure JavaScript, so it runs on Workers too), for the
 * API's uploads (api/domain), the scorer's files (`readFrame`, `readTable`) and anything else.
 * Callers turn a `ParquetReadError` into their own error (an API code, a `ScoringError`).
 */
export class ParquetReadError extends Error {
  override readonly name = "ParquetReadError";
}

/** Parquet files start and end with `PAR1`: how an upload without a file name is told apart. */
export function isParquetBytes(b: Uint8Array): boolean {
  const n = b.length;
  return (
    n >= 12 &&
    b[0] === 0x50 &&
    b[1] === 0x41 &&
    b[2] === 0x52 &&
    b[3] === 0x31 &&
    b[n - 4] === 0x50 &&
    b[n - 3] === 0x41 &&
    b[n - 2] === 0x52 &&
    b[n - 1] === 0x31
  );
}

/** More rows than any round has live ids: a bound on memory for compressed uploads. */
export const MAX_PARQUET_ROWS = 5_000_000;

export interface ParquetColumns {
  rows: number;
  /** The picked column names, in the order asked for. */
  names: string[];
  /** One array per picked column, `rows` long; cells as hyparquet decodes them. */
  columns: unknown[][];
}

/** Where decoded cells go: column `k` of the picked names, cells `rowStart..` of `data`. */
export type ParquetSink = (
  k: number,
  data: ArrayLike<unknown>,
  rowStart: number,
  rowEnd: number,
) => void;

const arrayBufferOf = (bytes: Uint8Array | ArrayBuffer): ArrayBuffer =>
  bytes instanceof ArrayBuffer
    ? bytes
    : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);

/**
 * Streams some columns of an in-memory Parquet file into `sink`. `pick` sees the file's column
 * names and returns the ones to read (or throws); it also learns the row count first, so a caller
 * can allocate typed arrays. A file with more than `maxRows` rows (a small compressed file can
 * claim, and decompress to, far more than any upload limit) or one hyparquet cannot read throws
 * `ParquetReadError`.
 */
export async function readParquet(
  bytes: Uint8Array | ArrayBuffer,
  pick: (names: string[], rows: number) => string[],
  sink: (names: string[]) => ParquetSink,
  maxRows = MAX_PARQUET_ROWS,
): Promise<{ rows: number; names: string[] }> {
  const file = arrayBufferOf(bytes);
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(file);
  } catch (e) {
    throw new ParquetReadError(`Not a readable Parquet file: ${(e as Error).message}`);
  }
  const all = parquetSchema(metadata).children.map((c) => c.element.name);
  const rows = Number(metadata.num_rows);
  if (!(rows >= 0 && rows <= maxRows)) {
    throw new ParquetReadError(`Parquet file has ${rows} rows; at most ${maxRows} are read`);
  }
  const names = pick(all, rows);
  const put = sink(names);
  try {
    await parquetRead({
      file,
      metadata,
      columns: names,
      onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
        const k = names.indexOf(columnName);
        if (k >= 0) put(k, columnData, rowStart, Math.min(rowEnd, rows));
      },
    });
  } catch (e) {
    throw new ParquetReadError(`Not a readable Parquet file: ${(e as Error).message}`);
  }
  return { rows, names };
}

/** The column names of a Parquet file, from its footer (no data read). */
export function parquetColumnNames(bytes: Uint8Array | ArrayBuffer): string[] {
  try {
    return parquetSchema(parquetMetadata(arrayBufferOf(bytes))).children.map((c) => c.element.name);
  } catch (e) {
    throw new ParquetReadError(`Not a readable Parquet file: ${(e as Error).message}`);
  }
}

/** Some columns of a Parquet file as plain arrays of hyparquet's cells. */
export async function readParquetColumns(
  bytes: Uint8Array | ArrayBuffer,
  pick: (names: string[]) => string[],
  maxRows = MAX_PARQUET_ROWS,
): Promise<ParquetColumns> {
  let columns: unknown[][] = [];
  const { rows, names } = await readParquet(
    bytes,
    (all, n) => {
      const picked = pick(all);
      columns = picked.map(() => new Array<unknown>(n));
      return picked;
    },
    () => (k, data, rowStart, rowEnd) => {
      const out = columns[k]!;
      for (let r = rowStart; r < rowEnd; r++) out[r] = data[r - rowStart];
    },
    maxRows,
  );
  return { rows, names, columns };
}

/**
 * Reads a Parquet file (already in memory) with an `id` column and numeric columns into typed
 * arrays. Nulls become NaN (the scorer then reports `non_finite_values`); bigint columns are
 * converted to numbers.
 */
export async function parseParquetFrame(data: ArrayBuffer, what = "Parquet file"): Promise<Frame> {
  let ids: string[] = [];
  const columns: Record<string, Float64Array> = {};
  const outs: (Float64Array | undefined)[] = [];
  try {
    await readParquet(
      data,
      (names, rows) => {
        if (!names.includes("id")) {
          throw new ScoringError(
            "invalid_table",
            `${what}: no "id" column (columns: ${names.join(", ")})`,
          );
        }
        ids = new Array(rows);
        for (const n of names) {
          const out = n === "id" ? undefined : new Float64Array(rows);
          if (out) columns[n] = out;
          outs.push(out);
        }
        return names;
      },
      () => (k, col, rowStart, rowEnd) => {
        const out = outs[k];
        if (!out) {
          for (let r = rowStart; r < rowEnd; r++) ids[r] = String(col[r - rowStart]);
          return;
        }
        for (let r = rowStart; r < rowEnd; r++) {
          const v = col[r - rowStart];
          out[r] = v === null || v === undefined ? Number.NaN : Number(v);
        }
      },
      Number.POSITIVE_INFINITY,
    );
  } catch (e) {
    if (e instanceof ParquetReadError)
      throw new ScoringError("invalid_table", `${what}: ${e.message}`);
    throw e;
  }
  return { ids, columns };
}
