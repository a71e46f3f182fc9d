import { ScoringError, validationDiagnostics } from "../../scoring";
import { DomainError } from "../errors";
import { parseCsv, parseNumber } from "./csv";
import { readParquetColumns } from "./parquet";
import { isParquet } from "./predictions";

const COLUMNS = ["id", "era", "prediction", "target"] as const;

export interface DiagnosticsResult {
  eras: number;
  rows: number;
  perEra: Record<string, number>;
  mean: number;
  std: number;
  sharpe: number;
  maxDrawdown: number;
}

const bad = (message: string, details?: unknown) =>
  new DomainError("invalid_diagnostics", message, details);

interface ValidationRows {
  ids: string[];
  eras: string[];
  prediction: Float64Array;
  target: Float64Array;
}

function fromCsv(bytes: Uint8Array): ValidationRows {
  const { header, rows } = parseCsv(bytes, "invalid_diagnostics");
  const at = COLUMNS.map((c) => header.indexOf(c));
  if (at.some((i) => i < 0)) throw bad(`Header must have ${COLUMNS.join(", ")}`, { header });
  const [idCol, eraCol, predCol, targetCol] = at as [number, number, number, number];
  const out: ValidationRows = {
    ids: new Array(rows.length),
    eras: new Array(rows.length),
    prediction: new Float64Array(rows.length),
    target: new Float64Array(rows.length),
  };
  const badRows: { line: number; column: string; value: string }[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    out.ids[i] = row[idCol]!;
    out.eras[i] = row[eraCol]!;
    for (const [col, name, arr] of [
      [predCol, "prediction", out.prediction],
      [targetCol, "target", out.target],
    ] as const) {
      const v = parseNumber(row[col]!);
      if (Number.isNaN(v) && badRows.length < 5)
        badRows.push({ line: i + 2, column: name, value: row[col]! });
      arr[i] = v;
    }
  }
  if (badRows.length > 0) throw bad("Predictions and targets must be numbers", { rows: badRows });
  return out;
}

async function fromParquet(bytes: Uint8Array): Promise<ValidationRows> {
  const t = await readParquetColumns(bytes, "invalid_diagnostics", (names) => {
    if (COLUMNS.some((c) => !names.includes(c))) {
      throw bad(`Columns must include ${COLUMNS.join(", ")}`, { columns: names });
    }
    return [...COLUMNS];
  });
  const [ids, eras, pred, target] = t.columns as [unknown[], unknown[], unknown[], unknown[]];
  const num = (v: unknown) => (typeof v === "number" ? v : Number.NaN);
  return {
    ids: ids.map(String),
    eras: eras.map(String),
    prediction: Float64Array.from(pred, num),
    target: Float64Array.from(target, num),
  };
}

/**
 * Per-era validation diagnostics of an uploaded file (CSV or Parquet `id,era,prediction,target`):
 * all CPU work, so the Node server runs it on a worker thread (api/threads). Failures are
 * `invalid_diagnostics` DomainErrors, with the scorer's code in `details.scoringCode`.
 */
export async function diagnoseUpload(bytes: Uint8Array): Promise<DiagnosticsResult> {
  const rows = isParquet(bytes) ? await fromParquet(bytes) : fromCsv(bytes);
  if (rows.ids.length === 0) throw bad("No rows");
  // arquero costs ~0.2 s to import: only diagnostics need it, so it loads on first use.
  const { table } = await import("arquero");
  const input = table({
    id: rows.ids,
    era: rows.eras,
    prediction: rows.prediction,
    target: rows.target,
  });
  try {
    const d = validationDiagnostics(input);
    return {
      eras: Object.keys(d.perEra).length,
      rows: rows.ids.length,
      perEra: d.perEra,
      mean: d.mean,
      std: d.std,
      sharpe: d.sharpe,
      maxDrawdown: d.maxDrawdown,
    };
  } catch (e) {
    if (e instanceof ScoringError) throw bad(e.message, { scoringCode: e.code, ...e.details });
    throw e;
  }
}
