import { parseNumber } from "./csv";
import { POW10 } from "./decimal";
import { isShortestDecimal, readLongDecimal } from "./long-decimal";

/** A round's live ids as the fast path needs them (the API's `LiveIndex` is one). */
export interface LiveIds {
  readonly size: number;
  /** Live ids sorted as the canonical file lists them. */
  readonly sorted: readonly string[];
  /** Position in `sorted` of the live file's row i. */
  readonly fileOrder: Int32Array;
}

/** What the fast path makes: the API's `CanonicalSubmission` (api/domain/submission.ts). */
export interface CanonicalCsv {
  /** `id,prediction` for the live ids sorted, numbers in shortest form (made when read). */
  readonly csv: string;
  bytes: Uint8Array;
  values: Float64Array;
  extraIds: 0;
}

/**
 * The common submission, canonicalised straight from its bytes: an ASCII CSV whose header is
 * `id,prediction` (or `id,probability`) and whose rows are exactly the round's live ids, once
 * each, with numbers in [0, 1], not all equal. No string is made per row: ids are matched to
 * live positions by their bytes, numbers are read from their digits, and number text that is
 * canonical (`String(v)`, which the upload's text usually is) is copied from the upload.
 *
 * Anything else (a BOM, other bytes than ASCII, more columns, spaces, a bad value, an unknown,
 * duplicate or missing id, constant predictions) returns undefined, and the caller takes the
 * general path (the API's `readPredictions` + `canonicalSubmission`), which reads every format and names
 * every error. Where this returns a result, it is the general path's result, byte for byte
 * (a property test checks that).
 */
export function canonicalCsvFast(bytes: Uint8Array, live: LiveIds): CanonicalCsv | undefined {
  const ids = liveBytes(live);
  if (!ids) return undefined;
  // No byte is checked for ASCII on its own: an id byte above 127 matches no live id (all ASCII
  // here) and a number byte above 127 is no number, so such files fall back anyway.
  const end = bytes.length;
  let pos = headerEnd(bytes);
  if (pos < 0) return undefined;
  const n = live.size;
  const seen = new Uint8Array(n);
  // Where each live id's number is in the upload, or -1 when its text is not canonical and
  // `String(value)` is written instead.
  const valStart = new Int32Array(n);
  const valEnd = new Int32Array(n);
  const values = new Float64Array(n);
  /** `String(value)` of the rows whose text is not canonical (sparse; most files have none). */
  let other: string[] | undefined;
  /** The upload as a Buffer, made for the first number that must be read by `Number`. */
  let text: Buffer | undefined;
  let found = 0;
  let last = -1;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let row = 0;
  const { data, start } = ids;
  while (pos < end) {
    // The id: first where the live file's order puts it, checked as the bytes go by.
    let p = row < n ? live.fileOrder[row]! : -1;
    let comma = -1;
    if (p >= 0) {
      const s = start[p]!;
      const len = start[p + 1]! - s;
      if (bytes[pos + len] === 44) {
        let k = 0;
        while (k < len && data[s + k] === bytes[pos + k]) k++;
        if (k === len) comma = pos + len;
      }
    }
    if (comma < 0) {
      comma = pos;
      while (comma < end && bytes[comma] !== 44 && bytes[comma] !== 10) comma++;
      if (comma >= end || bytes[comma] !== 44 || comma === pos) return undefined;
      p =
        last + 1 < n && ids.equals(last + 1, bytes, pos, comma)
          ? last + 1
          : ids.find(bytes, pos, comma);
    }
    if (p < 0 || seen[p] === 1) return undefined;
    // The number: `0`, `1` or `0.d…d` parsed as the bytes go by: up to 15 significant digits
    // as in shortDecimal, 16 or 17 (a double's every digit) by readLongDecimal; else the cell
    // up to the end of the line as a general decimal.
    const a = comma + 1;
    let e = a;
    let v = -1;
    /** This row's number is written as `String(v)` rather than copied from the upload. */
    let printed = false;
    const c0 = bytes[a];
    if (c0 === 48 && bytes[a + 1] === 46) {
      // Its significant digits as two exact integers: the first nine, and those after.
      let m = 0;
      let rest = 0;
      let restDigits = 0;
      let zeros = 0;
      e = a + 2;
      while (e < end && bytes[e] === 48) e++;
      zeros = e - a - 2;
      const first = e;
      for (const stop = Math.min(end, e + 9); e < stop; e++) {
        const d = bytes[e]! - 48;
        if (d < 0 || d > 9) break;
        m = m * 10 + d;
      }
      if (e - first === 9) {
        for (; e < end; e++) {
          const d = bytes[e]! - 48;
          if (d < 0 || d > 9) break;
          rest = rest * 10 + d;
        }
        restDigits = e - first - 9;
      }
      const len = e - a;
      const digits = len - 2 - zeros;
      if (m !== 0 && bytes[e - 1] !== 48 && zeros <= 5 && len <= 22) {
        if (digits <= 15) {
          v = (m * POW10[restDigits]! + rest) / POW10[len - 2]!;
        } else if (digits <= 17) {
          // All the digits of a double, as pandas and numpy write them: read exactly from
          // its digits, and kept as they are when provably what String(v) prints, else printed.
          const hi = digits === 17 ? m : Math.floor(m / 10);
          const lo = digits === 17 ? rest : (m % 10) * 1e7 + rest;
          v = readLongDecimal(hi, lo, len - 2);
          if (Number.isNaN(v)) {
            text ??= Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
            v = Number(text.toString("latin1", a, e));
          }
          printed = !isShortestDecimal(v, hi, lo, digits, len - 2);
        }
      }
    } else if (c0 === 48 || c0 === 49) {
      e = a + 1;
      v = c0 - 48;
    }
    // Where the line ends (its LF, or the end of the file) when the number ends it, else -1.
    const lineEnd =
      e === end || bytes[e] === 10
        ? e
        : bytes[e] === 13 && (e + 1 === end || bytes[e + 1] === 10)
          ? e + 1
          : -1;
    let eol = e;
    if (v >= 0 && lineEnd >= 0) {
      eol = lineEnd;
      if (printed) {
        valStart[p] = -1;
        other ??= new Array<string>(n);
        other[p] = String(v);
      } else {
        valStart[p] = a;
        valEnd[p] = e;
      }
    } else {
      while (eol < end && bytes[eol] !== 10) {
        if (bytes[eol] === 44) return undefined;
        eol++;
      }
      let stop = eol;
      if (bytes[stop - 1] === 13) stop--;
      if (stop <= a) return undefined;
      v = numberCell(bytes, a, stop);
      if (!(v >= 0 && v <= 1)) return undefined;
      valStart[p] = -1;
      other ??= new Array<string>(n);
      other[p] = String(v);
    }
    seen[p] = 1;
    values[p] = v;
    last = p;
    found++;
    if (v < min) min = v;
    if (v > max) max = v;
    row++;
    pos = eol + 1;
    // A final empty line ends the file; an empty line before the end is a ragged row.
    if (pos < end && (bytes[pos] === 10 || (bytes[pos] === 13 && bytes[pos + 1] === 10))) {
      if (pos + (bytes[pos] === 13 ? 2 : 1) >= end) break;
      return undefined;
    }
  }
  if (found < n || min === max) return undefined;

  // Output: the header, then per live id its bytes, a comma, its number's text and a newline.
  let size = HEADER.length + 1 + start[n]! + 2 * n;
  for (let p = 0; p < n; p++) {
    const s = valStart[p]!;
    size += s >= 0 ? valEnd[p]! - s : other![p]!.length;
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (let k = 0; k < HEADER.length; k++) out[o++] = HEADER.charCodeAt(k);
  out[o++] = 10;
  for (let p = 0; p < n; p++) {
    for (let k = start[p]!, e = start[p + 1]!; k < e; k++) out[o++] = data[k]!;
    out[o++] = 44;
    const s = valStart[p]!;
    if (s >= 0) {
      for (let k = s, e = valEnd[p]!; k < e; k++) out[o++] = bytes[k]!;
    } else {
      const text = other![p]!;
      for (let k = 0; k < text.length; k++) out[o++] = text.charCodeAt(k);
    }
    out[o++] = 10;
  }
  // The text is made only if asked for: the hash is taken of the bytes and the numbers stored.
  return {
    get csv() {
      return latin1(out);
    },
    bytes: out,
    values,
    extraIds: 0,
  };
}

const HEADER = "id,prediction";

/** Past the header line when it is `id,prediction` or `id,probability` (LF or CRLF), else -1. */
function headerEnd(b: Uint8Array): number {
  for (const name of ["id,prediction", "id,probability"]) {
    let k = 0;
    while (k < name.length && b[k] === name.charCodeAt(k)) k++;
    if (k < name.length) continue;
    if (b[k] === 10) return k + 1;
    if (b[k] === 13 && b[k + 1] === 10) return k + 2;
  }
  return -1;
}

/** A cell as the general reader takes it (`parseNumber`: a plain decimal, else NaN). */
function numberCell(b: Uint8Array, a: number, e: number): number {
  return parseNumber(latin1(b.subarray(a, e)));
}

/** Bytes as a one-byte string (exact for ASCII; other bytes become characters no number has). */
function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

/** A round's live ids as bytes in canonical order, with a hash table from bytes to position. */
interface LiveBytes {
  /** Every id's bytes, one after another in canonical order; id p is data[start[p], start[p+1]). */
  data: Uint8Array;
  start: Int32Array;
  length(p: number): number;
  equals(p: number, b: Uint8Array, a: number, e: number): boolean;
  find(b: Uint8Array, a: number, e: number): number;
  copy(p: number, out: Uint8Array, o: number): number;
}

const built = new WeakMap<LiveIds, LiveBytes | null>();

/** Builds a live index's byte table now rather than at its first submission. */
export function prepareCsvFast(live: LiveIds): void {
  liveBytes(live);
}

/** Built once per live index; null when some live id is not ASCII (no fast path then). */
function liveBytes(live: LiveIds): LiveBytes | undefined {
  let made = built.get(live);
  if (made === undefined) {
    made = buildLiveBytes(live.sorted);
    built.set(live, made);
  }
  return made ?? undefined;
}

function buildLiveBytes(sorted: readonly string[]): LiveBytes | null {
  const n = sorted.length;
  const start = new Int32Array(n + 1);
  for (let p = 0; p < n; p++) start[p + 1] = start[p]! + sorted[p]!.length;
  const data = new Uint8Array(start[n]!);
  for (let p = 0; p < n; p++) {
    const id = sorted[p]!;
    for (let k = 0; k < id.length; k++) {
      const c = id.charCodeAt(k);
      if (c > 127) return null;
      data[start[p]! + k] = c;
    }
  }
  let size = 1;
  while (size < n * 2) size <<= 1;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  for (let p = 0; p < n; p++) {
    let h = hash(data, start[p]!, start[p + 1]!) & mask;
    while (table[h] !== -1) h = (h + 1) & mask;
    table[h] = p;
  }
  const equals = (p: number, b: Uint8Array, a: number, e: number) => {
    const s = start[p]!;
    if (start[p + 1]! - s !== e - a) return false;
    for (let k = 0; k < e - a; k++) if (data[s + k] !== b[a + k]) return false;
    return true;
  };
  return {
    data,
    start,
    length: (p) => start[p + 1]! - start[p]!,
    equals,
    find(b, a, e) {
      let h = hash(b, a, e) & mask;
      for (;;) {
        const p = table[h]!;
        if (p === -1 || equals(p, b, a, e)) return p;
        h = (h + 1) & mask;
      }
    },
    copy(p, out, o) {
      for (let k = start[p]!, e = start[p + 1]!; k < e; k++) out[o++] = data[k]!;
      return o;
    },
  };
}

/** FNV-1a over bytes [a, e). */
function hash(b: Uint8Array, a: number, e: number): number {
  let h = 0x811c9dc5;
  for (let k = a; k < e; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
  return h >>> 0;
}
