import { ScoringError } from "../errors";
import type { Frame } from "../types";

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k); // exact doubles up to 1e22
const MAX_EXACT = 2 ** 53;

/**
 * Parses a decimal number from bytes [a, b). Fast path (Clinger): at most 15-16 significant
 * digits and a small exponent, where m / 10^k or m * 10^k is a single correctly rounded
 * operation, i.e. exactly what `Number(text)` gives. Anything else falls back to `Number`.
 */
function parseNumber(buf: Uint8Array, a: number, b: number, text: () => string): number {
  if (a === b) return Number.NaN;
  let i = a;
  let neg = false;
  const c0 = buf[i]!;
  if (c0 === 45 /* - */ || c0 === 43 /* + */) {
    neg = c0 === 45;
    i++;
  }
  let m = 0;
  let digits = 0;
  let frac = 0;
  let seenDot = false;
  let any = false;
  for (; i < b; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) {
      any = true;
      if (m !== 0 || c !== 48) digits++;
      m = m * 10 + (c - 48);
      if (seenDot) frac++;
    } else if (c === 46 /* . */ && !seenDot) {
      seenDot = true;
    } else break;
  }
  let exp = 0;
  if (i < b) {
    const c = buf[i]!;
    if ((c !== 101 && c !== 69) /* e E */ || !any) return Number(text());
    i++;
    let eneg = false;
    if (buf[i] === 45 || buf[i] === 43) {
      eneg = buf[i] === 45;
      i++;
    }
    if (i === b) return Number(text());
    for (; i < b; i++) {
      const d = buf[i]!;
      if (d < 48 || d > 57 || exp > 1000) return Number(text());
      exp = exp * 10 + (d - 48);
    }
    if (eneg) exp = -exp;
  }
  if (!any || digits > 15 || m > MAX_EXACT) return Number(text());
  const e = exp - frac;
  let v: number;
  if (e === 0) v = m;
  else if (e < 0 && e >= -22) v = m / POW10[-e]!;
  else if (e > 0 && e <= 22) v = m * POW10[e]!;
  else return Number(text());
  return neg ? -v : v;
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

/**
 * The byte-scanning parser for CSVs without quoted fields: one pass that finds delimiters and
 * parses each number as it goes (no per-field substring or native call on the fast path).
 */
export function parseSimpleCsv(buf: Buffer, what = "CSV"): Frame {
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
  const ncol = header.length;
  // Count non-empty lines up front so columns are allocated once.
  let rows = 0;
  for (let i = headerEnd + 1; i < len; ) {
    let e = buf.indexOf(10, i);
    if (e < 0) e = len;
    if (e > i && !(e === i + 1 && buf[i] === 13)) rows++;
    i = e + 1;
  }
  const cols: Float64Array[] = header.map(() => new Float64Array(rows));
  const ids: string[] = new Array(rows);
  let r = 0;
  let line = 1;
  let i = headerEnd + 1;
  while (i < len) {
    line++;
    const ch0 = buf[i];
    if (ch0 === 10 || (ch0 === 13 && buf[i + 1] === 10)) {
      i += ch0 === 13 ? 2 : 1; // blank line
      continue;
    }
    for (let c = 0; c < ncol; c++) {
      const start = i;
      if (c === idCol) {
        let ch = buf[i];
        while (i < len && ch !== 44 && ch !== 10 && ch !== 13) ch = buf[++i];
        ids[r] = buf.toString("utf8", start, i);
      } else {
        // Inline decimal parse (Clinger fast path, see parseNumber); anything unusual falls back.
        let neg = false;
        let ch = buf[i];
        if (ch === 45 || ch === 43) {
          neg = ch === 45;
          ch = buf[++i];
        }
        let m = 0;
        let digits = 0;
        let frac = 0;
        let dot = false;
        let any = false;
        for (;;) {
          if (ch !== undefined && ch >= 48 && ch <= 57) {
            any = true;
            if (m !== 0 || ch !== 48) digits++;
            m = m * 10 + (ch - 48);
            if (dot) frac++;
          } else if (ch === 46 && !dot) dot = true;
          else break;
          ch = buf[++i];
        }
        let v: number;
        if (
          any &&
          digits <= 15 &&
          frac <= 22 &&
          (i === len || ch === 44 || ch === 10 || ch === 13)
        ) {
          v = frac === 0 ? m : m / POW10[frac]!;
          if (neg) v = -v;
        } else {
          while (i < len && ch !== 44 && ch !== 10 && ch !== 13) ch = buf[++i];
          const s = start;
          const t = i;
          v = parseNumber(buf, s, t, () => buf.toString("latin1", s, t).trim());
        }
        cols[c]![r] = v;
      }
      const d = buf[i];
      if (c < ncol - 1) {
        if (d !== 44) throw fieldError(what, line, ncol);
        i++;
      } else if (i < len && d !== 10 && !(d === 13 && buf[i + 1] === 10) && d !== 13) {
        throw fieldError(what, line, ncol);
      }
    }
    // End of row: skip \r\n or \n.
    if (buf[i] === 13) i++;
    if (buf[i] === 10) i++;
    r++;
  }
  const columns: Record<string, Float64Array> = {};
  header.forEach((name, c) => {
    if (c !== idCol) columns[name] = cols[c]!;
  });
  return { ids, columns: r === rows ? columns : trim(columns, r) };
}

function trim(columns: Record<string, Float64Array>, r: number) {
  for (const k of Object.keys(columns)) columns[k] = columns[k]!.slice(0, r);
  return columns;
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
