import { ApiError, type ErrorCode } from "../errors";

export interface CsvTable {
  header: string[];
  /** Row cells, header excluded; line numbers are index + 2. */
  rows: string[][];
}

/**
 * Parses plain CSV (comma separated, no quoted fields: tournament files are ids and numbers).
 * Rejects bytes that are not UTF-8, empty input and ragged rows.
 */
export function parseCsv(bytes: Uint8Array, code: ErrorCode): CsvTable {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(code, "File is not valid UTF-8");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  if (lines.length === 0 || lines[0]!.trim() === "") throw new ApiError(code, "File is empty");
  const header = splitLine(lines[0]!);
  const rows: string[][] = new Array(lines.length - 1);
  const bad: { line: number; cells: number }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = splitLine(lines[i]!);
    if (cells.length !== header.length && bad.length < 5)
      bad.push({ line: i + 1, cells: cells.length });
    rows[i - 1] = cells;
  }
  if (bad.length > 0) {
    throw new ApiError(code, `Rows must have ${header.length} cells like the header`, {
      rows: bad,
    });
  }
  return { header, rows };
}

function splitLine(line: string): string[] {
  const l = line.endsWith("\r") ? line.slice(0, -1) : line;
  return l.split(",").map((s) => s.trim());
}

/** Parses a finite number, or returns NaN for anything else ("", "nan", "1e", "Infinity"). */
export function parseNumber(cell: string): number {
  return isNumberCell(cell) ? Number(cell) : Number.NaN;
}

/**
 * Whether a cell is a plain decimal number (`[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?`). Over this
 * alphabet `Number()` accepts exactly that grammar, so checking the characters and that `Number`
 * gives a number is enough, and several times faster than a regular expression per cell.
 */
export function isNumberCell(cell: string): boolean {
  const n = cell.length;
  if (n === 0) return false;
  let digits = false;
  for (let i = 0; i < n; i++) {
    const c = cell.charCodeAt(i);
    if (c >= 48 && c <= 57) digits = true;
    else if (c !== 46 && c !== 101 && c !== 69 && c !== 43 && c !== 45) return false;
  }
  return digits && !Number.isNaN(Number(cell));
}
