import { CsvReadError, type CsvTable, parseCsvTable } from "../../formats/csv";
import { DomainError, type ErrorCode } from "../errors";

export { type CsvTable, isNumberCell, parseNumber } from "../../formats/csv";

/**
 * An uploaded plain CSV read by the project's CSV reader (formats/csv.ts); a file it cannot
 * read (not UTF-8, empty, ragged rows) is answered with `code`, its message and details.
 */
export function parseCsv(bytes: Uint8Array, code: ErrorCode): CsvTable {
  try {
    return parseCsvTable(bytes);
  } catch (e) {
    if (e instanceof CsvReadError) throw new DomainError(code, e.message, e.details);
    throw e;
  }
}
