import {
  type ParquetColumns,
  ParquetReadError,
  readParquetColumns as readColumns,
} from "../../formats/parquet";
import { DomainError, type ErrorCode } from "../errors";

export type { ParquetColumns } from "../../formats/parquet";

/**
 * Some columns of an uploaded Parquet file, read by the project's one Parquet reader
 * (formats/parquet.ts); a file it cannot read, or one with more rows than any round has live
 * ids, is answered with `code`. `pick` sees the file's column names and returns the ones to
 * read, or throws.
 */
export async function readParquetColumns(
  bytes: Uint8Array,
  code: ErrorCode,
  pick: (names: string[]) => string[],
): Promise<ParquetColumns> {
  try {
    return await readColumns(bytes, pick);
  } catch (e) {
    if (e instanceof ParquetReadError) throw new DomainError(code, e.message);
    throw e;
  }
}
