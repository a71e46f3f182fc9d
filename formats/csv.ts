import { ScoringError } from "../scoring/errors";
import type { Frame } from "../scoring/types";
import { POW10 } from "./decimal";

const TWO_53 = 2 ** 53;

/**
 * The value of a field that is not a plain decimal of up to 9 digits: exactly what `Number`
 * makes of it, except that an empty field is NaN, not 0. A longer plain decimal whose digits
 * make an integer below 2^53 (up to 15 digits always, 16 usually: the shortest form of most
 * doubles) is still one correctly rounded division, with no string made; anything else
 * (17 digits, exponents, spaces, text) goes through `Number`.
 */
function parseField(buf: Uint8Array, text: Buffer, a: number, b: number): number {
  if (a === b) return Number.NaN;
  let i = a;
  let c = buf[i]!;
  const neg = c === 45; /* - */
  if (neg || c === 43 /* + */) c = buf[++i]!;
  let m = 0;
  let digits = 0;
  let frac = 0;
  let dot = false;
  for (; i < b; c = buf[++i]!) {
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48); // exact while below 2^53; above, the check below fails anyway
      digits++;
      if (dot) frac++;
    } else if (c === 46 /* . */ && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (i === b && digits > 0 && m < TWO_53 && frac <= 22) {
    const v = frac === 0 ? m : m / POW10[frac]!;
    return neg ? -v : v;
  }
  return Number(text.toString("latin1", a, b));
}

/**
 * Reads a CSV with an `id` column and numeric columns into typed arrays. The fast path scans
 * bytes directly (a 5,000 x 500 file in well under 100 ms, several times faster than a generic
 * parser); files with quoted fields go through arquero's CSV parser instead (loaded only then:
 * importing arquero costs ~0.2 s of start-up). Empty cells and non-numeric text become NaN
 * (the scorer then reports `non_finite_values`).
 *
 * @example
 * await parseCsvFrame("id,a\nx,0.5\n") // -> { ids: ["x"], columns: { a: Float64Array [0.5] } }
 */
export async function parseCsvFrame(input: Uint8Array | string, what = "CSV"): Promise<Frame> {
  const buf =
    typeof input === "string"
      ? Buffer.from(input, "utf8")
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.includes(34 /* " */)) return arqueroFrame(buf.toString("utf8"), what);
  return parseSimpleCsv(buf, what);
}

function fieldError(what: string, line: number, ncol: number): ScoringError {
  return new ScoringError(
    "invalid_table",
    `${what} line ${line}: expected ${ncol} comma-separated fields`,
    { line },
  );
}

/** A final newline lets the scanning loops stop on a delimiter without bounds checks. */
export function withFinalNewline(buf: Buffer): Buffer {
  return buf.length > 0 && buf[buf.length - 1] !== 10 ? Buffer.concat([buf, Buffer.of(10)]) : buf;
}

/** Where the rows of a CSV without quoted fields are, from one scan of its line ends. */
export interface CsvLayout {
  readonly header: readonly string[];
  readonly idCol: number;
  /** Non-blank data rows. */
  readonly rows: number;
  /**
   * Row chunks for `parseCsvRows`: chunk k holds rows [row[k], row[k + 1]) and starts at byte
   * offset `byte[k]`, on line `line[k]` (1-based, for error messages). One chunk unless asked.
   */
  readonly chunks: { readonly byte: number[]; readonly row: number[]; readonly line: number[] };
}

/**
 * Reads the header and counts the data rows (blank lines skipped) of a CSV ending in a newline;
 * with `chunkBytes`, also cuts the rows into chunks of about that many bytes.
 */
export function scanCsv(buf: Buffer, what: string, chunkBytes = 0): CsvLayout {
  const len = buf.length;
  let headerEnd = buf.indexOf(10);
  if (headerEnd < 0) headerEnd = len;
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const header = buf.toString("utf8", bom, headerEnd).replace(/\r$/, "").split(",");
  const idCol = header.indexOf("id");
  if (idCol < 0) {
    throw new ScoringError(
      "invalid_table",
      `${what}: no "id" column in header ${header.join(",")}`,
    );
  }
  const chunks = { byte: [headerEnd + 1], row: [0], line: [2] };
  let next = chunkBytes > 0 ? headerEnd + 1 + chunkBytes : len;
  let rows = 0;
  let line = 2;
  for (let i = headerEnd + 1; i < len; line++) {
    const e = buf.indexOf(10, i);
    if (e > i && !(e === i + 1 && buf[i] === 13)) rows++;
    i = e + 1;
    if (i >= next && i < len) {
      chunks.byte.push(i);
      chunks.row.push(rows);
      chunks.line.push(line + 1);
      next = i + chunkBytes;
    }
  }
  chunks.row.push(rows);
  return { header, idCol, rows, chunks };
}

/**
 * Parses chunk k of `layout` (see `scanCsv`) from `buf` (ending in a newline): the values of row
 * r and value column j (columns in header order, the id column left out) go to
 * `data[j * layout.rows + r]`, and the id of row r to `ids[r]` or, when `ids` is null, its byte
 * range to `idRange[2r]`, `idRange[2r + 1]`. The work of the parser, shared by the one-thread
 * path and the threads that split a big file by chunks.
 */
export function parseCsvRows(
  buf: Uint8Array,
  layout: CsvLayout,
  k: number,
  data: Float64Array,
  ids: string[] | null,
  idRange: Int32Array | null,
  what = "CSV",
): void {
  const { idCol, rows } = layout;
  const ncol = layout.header.length;
  const last = ncol - 1;
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let i = layout.chunks.byte[k]!;
  let line = layout.chunks.line[k]! - 1;
  const end = layout.chunks.row[k + 1]!;
  for (let r = layout.chunks.row[k]!; r < end; ) {
    line++;
    let ch = buf[i]!;
    if (ch === 10 || (ch === 13 && buf[i + 1] === 10)) {
      i += ch === 13 ? 2 : 1; // blank line
      continue;
    }
    let o = r; // where this row's next value goes: value column j starts at j * rows
    for (let c = 0; c < ncol; c++) {
      const start = i;
      if (c === idCol) {
        while (ch !== 44 && ch !== 10 && ch !== 13) ch = buf[++i]!;
        if (ids) ids[r] = text.toString("utf8", start, i);
        else {
          idRange![2 * r] = start;
          idRange![2 * r + 1] = i;
        }
      } else {
        // Decimal fast path: up to 9 digits in all, so the mantissa m is an exact integer (a
        // small one: int32 arithmetic) and m / 10^frac a single correctly rounded division,
        // exactly what `Number(text)` gives. Longer numbers go to `Number`.
        let neg = false;
        if (ch === 45 /* - */ || ch === 43 /* + */) {
          neg = ch === 45;
          ch = buf[++i]!;
        }
        let m = 0;
        let digits = 0;
        while (ch >= 48 && ch <= 57) {
          if (++digits <= 9) m = m * 10 + (ch - 48);
          ch = buf[++i]!;
        }
        let frac = 0;
        if (ch === 46 /* . */) {
          ch = buf[++i]!;
          while (ch >= 48 && ch <= 57) {
            if (++digits <= 9) m = m * 10 + (ch - 48);
            frac++;
            ch = buf[++i]!;
          }
        }
        let v: number;
        if (digits > 0 && digits <= 9 && (ch === 44 || ch === 10 || ch === 13)) {
          v = frac === 0 ? m : m / POW10[frac]!;
          if (neg) v = -v;
        } else {
          while (ch !== 44 && ch !== 10 && ch !== 13) ch = buf[++i]!;
          v = parseField(buf, text, start, i);
        }
        data[o] = v;
        o += rows;
      }
      if (c < last) {
        if (ch !== 44) throw fieldError(what, line, ncol);
        ch = buf[++i]!;
      } else if (ch !== 10 && !(ch === 13 && buf[i + 1] === 10)) {
        throw fieldError(what, line, ncol);
      }
    }
    i += ch === 13 ? 2 : 1; // \r\n or \n
    r++;
  }
}

/** The columns of a parsed frame: views of `data` (value column j at `j * rows`). */
export function frameColumns(layout: CsvLayout, data: Float64Array): Record<string, Float64Array> {
  const { rows, idCol } = layout;
  const columns: Record<string, Float64Array> = {};
  let j = 0;
  layout.header.forEach((name, c) => {
    if (c === idCol) return;
    columns[name] = data.subarray(j * rows, (j + 1) * rows);
    j++;
  });
  return columns;
}

/**
 * The byte-scanning parser for CSVs without quoted fields: one pass that finds delimiters and
 * parses each number as it goes (no per-field substring or native call on the fast path). The
 * value columns are views of one Float64Array (column after column), filled as rows are read.
 */
export function parseSimpleCsv(input: Buffer, what = "CSV"): Frame {
  const buf = withFinalNewline(input);
  const layout = scanCsv(buf, what);
  const data = new Float64Array(layout.rows * (layout.header.length - 1));
  const ids: string[] = new Array(layout.rows);
  // A plain Uint8Array, as the threads of `CsvSplit` pass: one kind of input for the JIT.
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  parseCsvRows(bytes, layout, 0, data, ids, null, what);
  return { ids, columns: frameColumns(layout, data) };
}

/** General CSV path (quoted fields) via arquero, ids kept as strings. */
async function arqueroFrame(text: string, what: string): Promise<Frame> {
  const { fromCSV } = await import("arquero");
  const table = fromCSV(text, { parse: { id: String } });
  if (!table.columnNames().includes("id")) {
    throw new ScoringError("invalid_table", `${what}: no "id" column`);
  }
  const ids = (table.array("id") as unknown[]).map(String);
  const columns: Record<string, Float64Array> = {};
  for (const name of table.columnNames()) {
    if (name === "id") continue;
    columns[name] = Float64Array.from(table.array(name) as ArrayLike<unknown>, (v) =>
      v === null || v === undefined || v === "" ? Number.NaN : Number(v),
    );
  }
  return { ids, columns };
}

/**
 * A plain CSV that cannot be read as a table: not UTF-8, empty, or rows with another number of
 * cells than the header (`details.rows`: up to five `{ line, cells }`). Callers map it to their
 * own error (the API: an `DomainError` with the code of the upload).
 */
export class CsvReadError extends Error {
  override readonly name = "CsvReadError";
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface CsvTable {
  header: string[];
  /** Row cells, header excluded; line numbers are index + 2. */
  rows: string[][];
}

/**
 * Parses plain CSV into cells (comma separated, no quoted fields: tournament files are ids and
 * numbers; cells trimmed; CRLF accepted; a UTF-8 BOM skipped): the reader of the live files,
 * targets and validation files the API takes. Throws `CsvReadError` for bytes that are not
 * UTF-8, empty input and ragged rows.
 */
export function parseCsvTable(bytes: Uint8Array): CsvTable {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CsvReadError("File is not valid UTF-8");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  if (lines.length === 0 || lines[0]!.trim() === "") throw new CsvReadError("File is empty");
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
    throw new CsvReadError(`Rows must have ${header.length} cells like the header`, {
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

/** Reads the `id,<value>` CSVs the database holds (canonical submissions, targets). */
export function parseIdValueCsv(csv: string): { ids: string[]; values: Float64Array } {
  const lines = csv.split("\n");
  const ids: string[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const comma = line.indexOf(",");
    ids.push(line.slice(0, comma));
    values.push(Number(line.slice(comma + 1)));
  }
  return { ids, values: Float64Array.from(values) };
}

/**
 * The ids (first column) of a round's live file, read as `parseCsvTable` reads them when the
 * round opens (cells trimmed, `\r\n` or `\n`): stored predictions are in the order of these ids
 * sorted.
 */
export function parseLiveIds(csv: string): string[] {
  const lines = csv.split("\n");
  const ids: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const comma = line.indexOf(",");
    ids.push((comma < 0 ? line : line.slice(0, comma)).trim());
  }
  return ids;
}

// Pure: bundles of the scorer that never read uploads (dist/cli) drop it.
const utf8 = /* @__PURE__ */ new TextDecoder("utf-8", { fatal: true });

/** Two columns of a plain CSV, as `readCsvColumnPair` reads them. */
export interface CsvColumnPair {
  /** The first picked column's cells, trimmed. */
  ids: string[];
  /** The second picked column's cells, trimmed, as written. */
  cells: string[];
  /** Their numbers: NaN for anything that is not a plain decimal (see `parseNumber`). */
  values: Float64Array;
  /** 1 where the cell is already exactly `String(values[i])` (see `shortDecimal`). */
  canonical: Uint8Array;
}

/**
 * Reads two columns of a plain CSV (comma separated, no quoting; cells trimmed; CRLF accepted; a
 * UTF-8 BOM skipped), the ones `pick` chooses from the header (it may throw), scanning the text
 * once without splitting every line into arrays. Throws `CsvReadError` for bytes that are not
 * UTF-8, an empty file, and rows with another number of cells than the header (`details.rows`).
 * The reader of prediction uploads.
 */
export function readCsvColumnPair(
  bytes: Uint8Array,
  pick: (header: string[]) => [number, number],
): CsvColumnPair {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new CsvReadError("File is not valid UTF-8");
  }
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const end = text.length;
  let headerEnd = text.indexOf("\n", pos);
  if (headerEnd < 0) headerEnd = end;
  const header = splitLine(text.slice(pos, headerEnd));
  if (header.length === 1 && header[0] === "") throw new CsvReadError("File is empty");
  const [idCol, col] = pick(header);
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
    throw new CsvReadError(`Rows must have ${width} cells like the header`, { rows: ragged });
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
  return { ids, cells, values, canonical };
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

/** text[a, b) without surrounding whitespace; no copy beyond the one slice. */
function trimmed(text: string, a: number, b: number): string {
  while (a < b && text.charCodeAt(a) <= 32) a++;
  while (b > a && text.charCodeAt(b - 1) <= 32) b--;
  return text.slice(a, b);
}

/**
 * The header of a plain CSV, cells trimmed (a UTF-8 BOM skipped; bytes that are not UTF-8 read
 * as U+FFFD): enough to tell what kind of file an upload is without reading its rows.
 */
export function csvHeader(bytes: Uint8Array): string[] {
  let end = bytes.indexOf(0x0a);
  if (end < 0) end = bytes.length;
  const line = new TextDecoder().decode(bytes.subarray(0, end)).replace(/^\uFEFF/, "");
  return line.split(",").map((s) => s.trim());
}
