import type { ColumnTable } from "arquero";
import { compareIds } from "./align";
import { ScoringError } from "./errors";
import { corrInner, prepareCorrTargets } from "./metrics/corr";
import { type EraStats, eraStats } from "./metrics/era-stats";
import { RankTransform } from "./rank-transform";

/** Per-era CORR of validation predictions, with the summary over eras. */
export interface Diagnostics extends EraStats {
  /** CORR of each era, in era order. */
  readonly perEra: Record<string, number>;
}

function columnArray(table: ColumnTable, name: string): unknown[] {
  if (!table.columnNames().includes(name)) {
    throw new ScoringError("invalid_argument", `validation table has no "${name}" column`);
  }
  return table.array(name) as unknown[];
}

/**
 * Validation diagnostics from a table with columns id, era, prediction, target: each era scored
 * on its own with CORR (targets centered within the era), then mean, std (ddof 0), sharpe and
 * max drawdown over eras. Eras are ordered numerically if every label is a number, else as strings.
 * Errors as `corr` (per era, naming the era) and `eraStats`.
 *
 * @example
 * validationDiagnostics(aq.fromCSV(text)) // -> { perEra: { era1: 0.02, ... }, mean, std, sharpe, maxDrawdown }
 */
export function validationDiagnostics(table: ColumnTable): Diagnostics {
  for (const c of ["id", "era", "prediction", "target"]) columnArray(table, c);
  const eras: { key: string; order: string | number; rows: Int32Array }[] = [];
  const groups = table.groupby("era");
  const { keys, rows, size } = groups.groups()!;
  const eraCol = table.array("era") as unknown[];
  const byGroup: number[][] = Array.from({ length: size }, () => []);
  for (let r = 0; r < table.numRows(); r++) byGroup[keys[r]!]!.push(r);
  for (let g = 0; g < size; g++) {
    const order = eraCol[rows[g]!] as string | number;
    eras.push({ key: String(order), order, rows: Int32Array.from(byGroup[g]!) });
  }
  // Numeric era labels ("1", "2", "10") sort as numbers, others ("era0001") as strings.
  const numeric = eras.every((e) => typeof e.order === "number" || /^-?\d+(\.\d+)?$/.test(e.key));
  eras.sort((a, b) => (numeric ? Number(a.key) - Number(b.key) : compareIds(a.key, b.key)));
  const ids = (table.array("id") as unknown[]).map(String);
  const pred = Float64Array.from(table.array("prediction") as ArrayLike<number>, Number);
  const target = Float64Array.from(table.array("target") as ArrayLike<number>, Number);
  const perEra: Record<string, number> = {};
  const scores: number[] = [];
  for (const era of eras) {
    const eraIds = Array.from(era.rows, (r) => ids[r]!);
    const p = Float64Array.from(era.rows, (r) => pred[r]!);
    const t = Float64Array.from(era.rows, (r) => target[r]!);
    try {
      const prepared = prepareCorrTargets(eraIds, { ids: eraIds, values: t });
      const rt = new RankTransform(p.length, prepared.index);
      for (let i = 0; i < p.length; i++) {
        if (!Number.isFinite(p[i])) {
          throw new ScoringError("non_finite_values", `prediction of id ${eraIds[i]} is ${p[i]}`);
        }
      }
      if (!rt.apply(p)) throw new ScoringError("constant_predictions", "predictions are constant");
      const c = corrInner(rt.gaussPow, prepared);
      perEra[era.key] = c;
      scores.push(c);
    } catch (e) {
      if (e instanceof ScoringError) {
        throw new ScoringError(e.code, `era ${era.key}: ${e.message}`, {
          ...e.details,
          era: era.key,
        });
      }
      throw e;
    }
  }
  return { perEra, ...eraStats(scores) };
}
