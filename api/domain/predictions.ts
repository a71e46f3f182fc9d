import { type CsvColumnPair, CsvReadError, readCsvColumnPair } from "../../formats/csv";
import { isParquetBytes } from "../../formats/parquet";
import { DomainError } from "../errors";
import { readParquetColumns } from "./parquet";

/**
 * Predictions as read from an upload, before any rule is checked: one entry per row in file
 * order. Every format (CSV, Parquet, JSON) is read into this, so validation and
 * canonicalisation are the same code whichever format carried the numbers.
 */
export interface PredictionRows {
  ids: string[];
  /** The row's number, or NaN for anything that is not one (empty, text, null). */
  values: Float64Array;
  /** The cell as the user wrote it, for error reports. */
  raw(i: number): string;
  /** Where row i is in the upload: `{line}` (1-based, header is line 1) or `{index}` (0-based). */
  where(i: number): { line: number } | { index: number };
  /**
   * The cell's text when it is already exactly `String(values[i])` (the canonical form), so
   * canonicalisation can reuse it instead of formatting the number again; else undefined.
   */
  canonicalText?(i: number): string | undefined;
}

export type PredictionFormat = "csv" | "parquet" | "json";

const HEADER_HINT = "Header must have 'id' and one of 'prediction' / 'probability'";

/** Which reader a request body needs, from its Content-Type (and Parquet's magic bytes). */
export function predictionFormat(contentType: string | undefined, bytes: Uint8Array) {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "text/csv") return "csv";
  if (type === "application/json") return "json";
  if (type === "application/vnd.apache.parquet" || type === "application/x-parquet")
    return "parquet";
  if (type === "application/octet-stream" && isParquetBytes(bytes)) return "parquet";
  return null;
}

export { shortDecimal } from "../../formats/csv";
/** Parquet files start and end with `PAR1` (formats/parquet.ts). */
export { isParquetBytes as isParquet };

export async function readPredictions(
  format: PredictionFormat,
  bytes: Uint8Array,
): Promise<PredictionRows> {
  if (format === "csv") return readCsvPredictions(bytes);
  if (format === "json") return readJsonPredictions(bytes);
  return readParquetPredictions(bytes);
}

/**
 * Reads the `id` and `prediction` (or `probability`) columns of a plain CSV with the project's
 * CSV reader (formats/csv.ts: no quoting; cells trimmed; CRLF accepted; a UTF-8 BOM skipped;
 * rows as wide as the header); what it cannot read is `invalid_submission_headers`.
 */
export function readCsvPredictions(bytes: Uint8Array): PredictionRows {
  let read: CsvColumnPair;
  try {
    read = readCsvColumnPair(bytes, (header) => {
      const idCol = header.indexOf("id");
      const p = header.indexOf("prediction");
      const col = p >= 0 ? p : header.indexOf("probability");
      if (idCol < 0 || col < 0)
        throw new DomainError("invalid_submission_headers", HEADER_HINT, { header });
      return [idCol, col];
    });
  } catch (e) {
    if (e instanceof CsvReadError)
      throw new DomainError("invalid_submission_headers", e.message, e.details);
    throw e;
  }
  const { ids, values, cells, canonical } = read;
  return {
    ids,
    values,
    raw: (i) => cells[i]!,
    where: (i) => ({ line: i + 2 }),
    canonicalText: (i) => (canonical[i] === 1 ? cells[i] : undefined),
  };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads `{"predictions": [{"id", "prediction"}, ...]}` or `{"ids": [...], "predictions": [...]}`.
 * Ids may be strings or integers (as Parquet ids may be); predictions must be JSON numbers.
 */
export function readJsonPredictions(bytes: Uint8Array): PredictionRows {
  let body: unknown;
  try {
    body = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new DomainError("invalid_submission_headers", "Body is not valid JSON");
  }
  const shapeHint =
    'Send {"predictions": [{"id", "prediction"}, ...]} or {"ids": [...], "predictions": [...]}';
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new DomainError("invalid_submission_headers", shapeHint);
  }
  const { ids: idList, predictions } = body as { ids?: unknown; predictions?: unknown };
  if (!Array.isArray(predictions)) throw new DomainError("invalid_submission_headers", shapeHint);
  let rawIds: unknown[];
  let rawValues: unknown[];
  if (idList !== undefined) {
    if (!Array.isArray(idList) || idList.length !== predictions.length) {
      throw new DomainError(
        "invalid_submission_headers",
        "'ids' and 'predictions' must be arrays of the same length",
      );
    }
    rawIds = idList;
    rawValues = predictions;
  } else {
    rawIds = new Array(predictions.length);
    rawValues = new Array(predictions.length);
    for (let i = 0; i < predictions.length; i++) {
      const row = predictions[i] as Record<string, unknown> | null;
      if (typeof row !== "object" || row === null || !("id" in row)) {
        throw new DomainError("invalid_submission_headers", shapeHint, { index: i });
      }
      rawIds[i] = row.id;
      rawValues[i] = "prediction" in row ? row.prediction : row.probability;
    }
  }
  const ids = rawIds.map((id, i) => idString(id, i));
  const values = new Float64Array(rawValues.length);
  for (let i = 0; i < rawValues.length; i++) {
    const v = rawValues[i];
    values[i] = typeof v === "number" ? v : Number.NaN;
  }
  return {
    ids,
    values,
    raw: (i) =>
      typeof rawValues[i] === "string"
        ? (rawValues[i] as string)
        : (JSON.stringify(rawValues[i]) ?? "undefined"),
    where: (i) => ({ index: i }),
  };
}

function idString(id: unknown, i: number): string {
  if (typeof id === "string") return id;
  if ((typeof id === "number" && Number.isInteger(id)) || typeof id === "bigint") return String(id);
  throw new DomainError("invalid_submission_ids", "Ids must be strings or integers", {
    index: i,
    id: id === undefined ? null : id,
  });
}

/** Reads the `id` and `prediction` (or `probability`) columns of a Parquet file with hyparquet. */
export async function readParquetPredictions(bytes: Uint8Array): Promise<PredictionRows> {
  const table = await readParquetColumns(bytes, "invalid_submission_headers", (names) => {
    const value = names.includes("prediction")
      ? "prediction"
      : names.includes("probability")
        ? "probability"
        : null;
    if (!names.includes("id") || !value) {
      throw new DomainError("invalid_submission_headers", HEADER_HINT, { header: names });
    }
    return ["id", value];
  });
  const idCol = table.columns[0]!;
  const valueCol = table.columns[1]!;
  const ids = new Array<string>(table.rows);
  const values = new Float64Array(table.rows);
  for (let i = 0; i < table.rows; i++) {
    ids[i] = idString(idCol[i], i);
    const v = valueCol[i];
    values[i] = typeof v === "number" ? v : Number.NaN;
  }
  return {
    ids,
    values,
    raw: (i) => String(valueCol[i]),
    where: (i) => ({ index: i }),
  };
}
