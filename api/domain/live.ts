import { DomainError } from "../errors";
import { parseCsv, parseNumber } from "./csv";
import { sha256Hex } from "./hash";
import { readParquetColumns } from "./parquet";
import { isParquet } from "./predictions";

export interface LiveData {
  ids: string[];
  features: string[];
}

/** `bytes` without a leading UTF-8 byte order mark (which the served text never has). */
export function withoutBom(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/**
 * Bytes known to be valid UTF-8 (parseCsv checked) as text that encodes back to the same bytes:
 * a BOM is kept rather than silently dropped, so hash and stored text never disagree.
 */
export function utf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
}

/** Validates a round's live file: `id` first, then numeric feature columns, unique ids. */
export function parseLive(bytes: Uint8Array): LiveData {
  const { header, rows } = parseCsv(bytes, "invalid_live_file");
  if (header[0] !== "id") throw new DomainError("invalid_live_file", "First column must be 'id'");
  if (rows.length === 0) throw new DomainError("invalid_live_file", "Live file has no rows");
  const seen = new Set<string>();
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const id = row[0]!;
    if (id === "" || seen.has(id)) {
      throw new DomainError("invalid_live_file", `Empty or duplicate id '${id}' on line ${i + 2}`);
    }
    for (let j = 1; j < row.length; j++) {
      if (Number.isNaN(parseNumber(row[j]!))) {
        throw new DomainError("invalid_live_file", `Non-numeric feature value on line ${i + 2}`, {
          line: i + 2,
          column: header[j],
        });
      }
    }
    seen.add(id);
    ids.push(id);
  }
  return { ids, features: header.slice(1) };
}

/**
 * A live file as uploaded (CSV, or Parquet recognised by its `PAR1` magic) as the CSV the round
 * stores and serves. CSV is kept byte for byte. Parquet is converted: `id` first, then the other
 * columns in file order, numbers in shortest form; the round's `liveSha256` is the hash of that
 * CSV, since it is the file anyone downloads and checks. A leading UTF-8 BOM is dropped, so the
 * bytes hashed are exactly the bytes served.
 */
export async function liveUploadCsv(
  bytes: Uint8Array,
): Promise<{ csv: Uint8Array; format: "csv" | "parquet" }> {
  if (!isParquet(bytes)) return { csv: withoutBom(bytes), format: "csv" };
  const t = await readParquetColumns(bytes, "invalid_live_file", (names) => {
    if (!names.includes("id")) {
      throw new DomainError("invalid_live_file", "Live file needs an 'id' column", {
        columns: names,
      });
    }
    return ["id", ...names.filter((n) => n !== "id")];
  });
  const lines = new Array<string>(t.rows + 1);
  lines[0] = t.names.join(",");
  for (let r = 0; r < t.rows; r++) {
    const cells = new Array<string>(t.names.length);
    for (let c = 0; c < t.names.length; c++) {
      const v = t.columns[c]![r];
      const text =
        typeof v === "string" || typeof v === "number" || typeof v === "bigint" ? String(v) : "";
      if (c > 0 && typeof v !== "number" && typeof v !== "bigint") {
        throw new DomainError("invalid_live_file", `Non-numeric feature value in row ${r}`, {
          index: r,
          column: t.names[c],
        });
      }
      if (text.includes(",") || text.includes("\n")) {
        throw new DomainError("invalid_live_file", `Cell in row ${r} contains a comma or newline`);
      }
      cells[c] = text;
    }
    lines[r + 1] = cells.join(",");
  }
  return { csv: new TextEncoder().encode(`${lines.join("\n")}\n`), format: "parquet" };
}

/** A live upload ready to store: the CSV served, its hash, and its ids and feature names. */
export interface PreparedLive {
  csv: Uint8Array;
  format: "csv" | "parquet";
  sha256: string;
  live: LiveData;
}

/**
 * Everything a round's live upload needs before it is stored (Parquet conversion, validation,
 * hash): the CPU-heavy part of opening a round, which the API runs in a worker thread.
 */
export async function prepareLiveUpload(bytes: Uint8Array): Promise<PreparedLive> {
  const { csv, format } = await liveUploadCsv(bytes);
  const live = parseLive(csv);
  return { csv, format, sha256: sha256Hex(csv), live };
}

/** Validates a targets file `id,target` against the round's live ids. */
export function parseTargets(
  bytes: Uint8Array,
  liveIds: { has(id: string): boolean; readonly size: number },
) {
  const { header, rows } = parseCsv(bytes, "invalid_targets_file");
  if (header.length !== 2 || header[0] !== "id" || header[1] !== "target") {
    throw new DomainError("invalid_targets_file", "Header must be 'id,target'");
  }
  const ids: string[] = [];
  const values = new Float64Array(rows.length);
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const [id, cell] = rows[i] as [string, string];
    const v = parseNumber(cell);
    if (seen.has(id)) throw new DomainError("invalid_targets_file", `Duplicate id '${id}'`);
    if (!Number.isFinite(v)) {
      throw new DomainError(
        "invalid_targets_file",
        `Target on line ${i + 2} is not a finite number`,
      );
    }
    seen.add(id);
    ids.push(id);
    values[i] = v;
  }
  const covered = ids.filter((id) => liveIds.has(id)).length;
  if (covered < liveIds.size * 0.8) {
    throw new DomainError(
      "invalid_targets_file",
      `Targets cover only ${covered} of ${liveIds.size} live ids`,
    );
  }
  return { ids, values };
}
