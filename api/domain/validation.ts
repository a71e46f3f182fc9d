import {
  encodeFeatures,
  encodeFloat64,
  type NewValidationEra,
  type NewValidationSet,
  createValidationSet as storeValidationSet,
  type ValidationSet,
} from "../../db";
import { csvHeader } from "../../formats/csv";
import { ParquetReadError, parquetColumnNames } from "../../formats/parquet";
import { sortEras } from "../../scoring/validation";
import { DomainError } from "../errors";
import { parseCsv, parseNumber } from "./csv";
import { sha256Hex } from "./hash";
import { readParquetColumns } from "./parquet";
import { isParquet } from "./predictions";
import type { DomainServices } from "./services";

/** The columns a validation upload must have; `meta_model` is optional, the rest are features. */
export const VALIDATION_COLUMNS = ["id", "era", "target"] as const;
export const META_MODEL_COLUMN = "meta_model";

const bad = (message: string, details?: unknown) =>
  new DomainError("invalid_validation_file", message, details);

/** One era of an upload, rows in file order. */
export interface UploadedEra {
  era: string;
  ids: string[];
  targets: Float64Array;
  metaModel?: Float64Array;
  features: Float64Array[];
}

export interface ValidationUpload {
  format: "csv" | "parquet";
  rows: number;
  features: string[];
  hasMetaModel: boolean;
  /** In era order (numeric labels by value, others as strings). */
  eras: UploadedEra[];
}

/** A table as read: ids, eras, and numeric columns (NaN for anything not a finite number). */
interface Columns {
  ids: string[];
  eras: string[];
  names: string[];
  values: Float64Array[];
  /** Where row i is, for error reports. */
  where(i: number): { line: number } | { index: number };
}

function fromCsv(bytes: Uint8Array): Columns {
  const { header, rows } = parseCsv(bytes, "invalid_validation_file");
  const idCol = header.indexOf("id");
  const eraCol = header.indexOf("era");
  const names = header.filter((h) => h !== "id" && h !== "era");
  const at = names.map((n) => header.indexOf(n));
  const values = names.map(() => new Float64Array(rows.length));
  const ids = new Array<string>(rows.length);
  const eras = new Array<string>(rows.length);
  checkHeader(header);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    ids[i] = row[idCol]!;
    eras[i] = row[eraCol]!;
    for (let k = 0; k < at.length; k++) values[k]![i] = parseNumber(row[at[k]!]!);
  }
  return { ids, eras, names, values, where: (i) => ({ line: i + 2 }) };
}

async function fromParquet(bytes: Uint8Array): Promise<Columns> {
  const t = await readParquetColumns(bytes, "invalid_validation_file", (names) => {
    checkHeader(names);
    return ["id", "era", ...names.filter((n) => n !== "id" && n !== "era")];
  });
  const text = (v: unknown) =>
    typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" ? String(v) : "";
  const num = (v: unknown) =>
    typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : Number.NaN;
  return {
    ids: t.columns[0]!.map(text),
    eras: t.columns[1]!.map(text),
    names: t.names.slice(2),
    values: t.columns.slice(2).map((c) => Float64Array.from(c, num)),
    where: (i) => ({ index: i }),
  };
}

function checkHeader(header: string[]) {
  const missing = VALIDATION_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw bad(`Columns must include ${VALIDATION_COLUMNS.join(", ")}`, { missing, header });
  }
  const seen = new Set<string>();
  for (const h of header) {
    if (h === "" || seen.has(h)) throw bad(`Empty or repeated column name '${h}'`, { header });
    seen.add(h);
  }
}

/**
 * Reads and checks an operator's validation upload (CSV, or Parquet by its magic): columns `id`,
 * `era`, `target`, optionally `meta_model` (the validation meta model: diagnostics then add
 * MMC), and any number of numeric feature columns. Ids must be unique and non-empty, every
 * number finite. Failures: 422 `invalid_validation_file` naming the first offending rows.
 */
export async function readValidationUpload(bytes: Uint8Array): Promise<ValidationUpload> {
  const parquet = isParquet(bytes);
  const t = parquet ? await fromParquet(bytes) : fromCsv(bytes);
  const n = t.ids.length;
  if (n === 0) throw bad("The validation file has no rows");
  const seen = new Set<string>();
  const dup: unknown[] = [];
  for (let i = 0; i < n && dup.length < 5; i++) {
    const id = t.ids[i]!;
    if (id === "" || seen.has(id)) dup.push({ ...t.where(i), id });
    seen.add(id);
  }
  if (dup.length > 0) throw bad("Ids must be unique and non-empty", { rows: dup });
  const blankEra = t.eras.indexOf("");
  if (blankEra >= 0) throw bad("Every row needs an era", { rows: [t.where(blankEra)] });
  const badCells: unknown[] = [];
  t.values.forEach((c, k) => {
    for (let i = 0; i < n && badCells.length < 5; i++) {
      if (!Number.isFinite(c[i]!)) badCells.push({ ...t.where(i), column: t.names[k] });
    }
  });
  if (badCells.length > 0)
    throw bad("Every target, meta_model and feature must be a finite number", { cells: badCells });
  const col = (name: string) => t.values[t.names.indexOf(name)];
  const targets = col("target")!;
  const meta = col(META_MODEL_COLUMN);
  const featureNames = t.names.filter((n) => n !== "target" && n !== META_MODEL_COLUMN);
  const features = featureNames.map((n) => col(n)!);
  const byEra = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const rows = byEra.get(t.eras[i]!);
    if (rows) rows.push(i);
    else byEra.set(t.eras[i]!, [i]);
  }
  const eras = sortEras(
    [...byEra].map(([era, rows]) => {
      const take = (c: Float64Array) => Float64Array.from(rows, (r) => c[r]!);
      return {
        era,
        ids: rows.map((r) => t.ids[r]!),
        targets: take(targets),
        metaModel: meta ? take(meta) : undefined,
        features: features.map(take),
      };
    }),
  );
  return {
    format: parquet ? "parquet" : "csv",
    rows: n,
    features: featureNames,
    hasMetaModel: meta !== undefined,
    eras,
  };
}

/** A validation upload read, hashed and encoded as it is stored (CPU work: run on a thread). */
export interface PreparedValidation {
  set: NewValidationSet;
  eras: Omit<NewValidationEra, "setId">[];
}

/** Reads, validates, hashes and encodes an operator's validation upload, without storing it. */
export async function prepareValidationUpload(bytes: Uint8Array): Promise<PreparedValidation> {
  const up = await readValidationUpload(bytes);
  return {
    set: {
      sha256: sha256Hex(bytes),
      format: up.format,
      rows: up.rows,
      features: up.features,
      hasMetaModel: up.hasMetaModel,
    },
    eras: up.eras.map((e, position) => {
      const f = encodeFeatures(e.features);
      return {
        position,
        era: e.era,
        ids: e.ids.join("\n"),
        targets: encodeFloat64(e.targets),
        metaModel: e.metaModel ? encodeFloat64(e.metaModel) : null,
        featureType: f.type,
        features: f.bytes,
      };
    }),
  };
}

/**
 * Stores the operator's validation set and queues its preparation (each era's neutralization
 * basis): read and encoded off the event loop when the services offload; 422
 * `invalid_validation_file` for a file that is not one.
 */
export async function uploadValidationSet(
  s: Pick<DomainServices, "db" | "offload">,
  input: { file: Uint8Array },
): Promise<ValidationSet> {
  const prepared = s.offload
    ? await s.offload.validation(input.file)
    : await prepareValidationUpload(input.file);
  return storeValidationSet(s.db, prepared.set, prepared.eras);
}

/** The column names of an upload (CSV header or Parquet schema), to tell the two forms apart. */
export function uploadColumns(bytes: Uint8Array): string[] {
  if (isParquet(bytes)) {
    try {
      return parquetColumnNames(bytes);
    } catch (e) {
      if (e instanceof ParquetReadError) throw new DomainError("invalid_diagnostics", e.message);
      throw e;
    }
  }
  return csvHeader(bytes);
}
