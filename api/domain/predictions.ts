import { POW10 } from "../../formats/decimal";
import { isParquetBytes } from "../../formats/parquet";
import { ApiError } from "../errors";
import { parseNumber } from "./csv";
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

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads the `id` and `prediction` (or `probability`) columns of a plain CSV (comma separated,
 * no quoting; cells trimmed; CRLF accepted; a UTF-8 BOM skipped). Rows must have as many cells
 * as the header. Scans the text once without splitting every line into arrays.
 */
export function readCsvPredictions(bytes: Uint8Array): PredictionRows {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError("invalid_submission_headers", "File is not valid UTF-8");
  }
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const end = text.length;
  let headerEnd = text.indexOf("\n", pos);
  if (headerEnd < 0) headerEnd = end;
  const header = cellsOf(text.slice(pos, headerEnd));
  if (header.length === 1 && header[0] === "") {
    throw new ApiError("invalid_submission_headers", "File is empty");
  }
  const idCol = header.indexOf("id");
  const p = header.indexOf("prediction");
  const col = p >= 0 ? p : header.indexOf("probability");
  if (idCol < 0 || col < 0)
    throw new ApiError("invalid_submission_headers", HEADER_HINT, { header });
  const width = header.length;
  const ids: string[] = [];
  const cells: string[] = [];
  const ragged: { line: number; cells: number }[] = [];
  pos = headerEnd + 1;
  let line = 1;
  while (pos < end) {
    let eol = text.indexOf("\n", pos);
    if (eol < 0) eol = end;
    line++;
    let stop = eol;
    if (stop > pos && text.charCodeAt(stop - 1) === 13) stop--;
    if (stop === pos && eol >= end - 1) break; // trailing empty line
    let id = "";
    let cell = "";
    let k = 0;
    let a = pos;
    for (;;) {
      let b = text.indexOf(",", a);
      if (b < 0 || b > stop) b = stop;
      if (k === idCol) id = trimmed(text, a, b);
      else if (k === col) cell = trimmed(text, a, b);
      k++;
      if (b === stop) break;
      a = b + 1;
    }
    if (k !== width && ragged.length < 5) ragged.push({ line, cells: k });
    ids.push(id);
    cells.push(cell);
    pos = eol + 1;
  }
  if (ragged.length > 0) {
    throw new ApiError(
      "invalid_submission_headers",
      `Rows must have ${width} cells like the header`,
      {
        rows: ragged,
      },
    );
  }
  const values = new Float64Array(cells.length);
  const canonical = new Uint8Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    const v = shortDecimal(cell);
    if (v >= 0) {
      values[i] = v;
      canonical[i] = 1;
    } else values[i] = parseNumber(cell);
  }
  return {
    ids,
    values,
    raw: (i) => cells[i]!,
    where: (i) => ({ line: i + 2 }),
    canonicalText: (i) => (canonical[i] === 1 ? cells[i] : undefined),
  };
}

/**
 * The value of a cell written as `0`, `1` or `0.d…d` (no trailing zero, at most 15 significant
 * digits, at most 5 zeros after the point), else -1. For such a cell, m / 10^k with both exact
 * is one correctly rounded division, i.e. exactly `Number(cell)`; and since two decimals of at
 * most 15 significant digits never share a double, the cell is also exactly `String(value)`
 * (JS prints the shortest round-tripping digits, in plain notation from 1e-6 up). The common
 * case of a prediction file, parsed and printed without `Number` or `String`.
 */
export function shortDecimal(cell: string): number {
  const n = cell.length;
  if (n === 1) {
    const c = cell.charCodeAt(0);
    return c === 48 ? 0 : c === 49 ? 1 : -1;
  }
  if (n < 3 || n > 22 || cell.charCodeAt(0) !== 48 || cell.charCodeAt(1) !== 46) return -1;
  let m = 0;
  let zeros = 0;
  for (let i = 2; i < n; i++) {
    const d = cell.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    if (m === 0 && d === 0) zeros++;
    m = m * 10 + d;
  }
  if (m === 0 || cell.charCodeAt(n - 1) === 48 || zeros > 5 || n - 2 - zeros > 15) return -1;
  return m / POW10[n - 2]!;
}

function cellsOf(line: string): string[] {
  return (line.endsWith("\r") ? line.slice(0, -1) : line).split(",").map((s) => s.trim());
}

/** text[a, b) without surrounding whitespace; no copy beyond the one slice. */
function trimmed(text: string, a: number, b: number): string {
  while (a < b && text.charCodeAt(a) <= 32) a++;
  while (b > a && text.charCodeAt(b - 1) <= 32) b--;
  return text.slice(a, b);
}

/**
 * Reads `{"predictions": [{"id", "prediction"}, ...]}` or `{"ids": [...], "predictions": [...]}`.
 * Ids may be strings or integers (as Parquet ids may be); predictions must be JSON numbers.
 */
export function readJsonPredictions(bytes: Uint8Array): PredictionRows {
  let body: unknown;
  try {
    body = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new ApiError("invalid_submission_headers", "Body is not valid JSON");
  }
  const shapeHint =
    'Send {"predictions": [{"id", "prediction"}, ...]} or {"ids": [...], "predictions": [...]}';
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError("invalid_submission_headers", shapeHint);
  }
  const { ids: idList, predictions } = body as { ids?: unknown; predictions?: unknown };
  if (!Array.isArray(predictions)) throw new ApiError("invalid_submission_headers", shapeHint);
  let rawIds: unknown[];
  let rawValues: unknown[];
  if (idList !== undefined) {
    if (!Array.isArray(idList) || idList.length !== predictions.length) {
      throw new ApiError(
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
        throw new ApiError("invalid_submission_headers", shapeHint, { index: i });
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
  throw new ApiError("invalid_submission_ids", "Ids must be strings or integers", {
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
      throw new ApiError("invalid_submission_headers", HEADER_HINT, { header: names });
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
