import { decodePredictions } from "../../db";
import { DomainError } from "../errors";
import type { LiveIndex } from "./live-cache";
import type { PredictionRows } from "./predictions";

export interface CanonicalSubmission {
  /**
   * `id,prediction` for the round's live ids, sorted by id, numbers in shortest form (the CSV
   * fast path makes it from `bytes` only when read).
   */
  readonly csv: string;
  /** The same CSV as bytes, when the reader made them (hashing them skips an encode). */
  bytes?: Uint8Array;
  /** The numbers of `csv` in its order (the round's live ids sorted): what is stored. */
  values: Float64Array;
  /** Ids in the file that are not in the round: reported, then ignored. */
  extraIds: number;
}

const MAX_REPORTED = 5;

/**
 * Validates predictions against a round's live ids (SCORING.md rules) and canonicalises them.
 * Whatever format the rows came in, the same numbers give the same canonical CSV (and hash).
 * Checks in order: every value finite within [0, 1]; no duplicate ids; every live id present;
 * not all equal. Each failure reports the first few offending rows.
 */
export function canonicalSubmission(rows: PredictionRows, live: LiveIndex): CanonicalSubmission {
  const { ids, values: input } = rows;
  const n = live.size;
  const values = new Float64Array(n);
  // The input row each live id came from, to reuse its text when it is already canonical.
  const from = new Int32Array(n);
  const seen = new Uint8Array(n);
  let extras: Set<string> | undefined;
  const badValues: Record<string, unknown>[] = [];
  const duplicates: string[] = [];
  let found = 0;
  let last = -1;
  let extraIds = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const v = input[i]!;
    if (!(v >= 0 && v <= 1)) {
      if (badValues.length < MAX_REPORTED)
        badValues.push({ ...rows.where(i), id, value: rows.raw(i) });
      continue;
    }
    // Rows usually come in the live file's order or sorted: try those positions before hashing.
    let p: number | undefined = live.fileOrder[i];
    if (p === undefined || live.sorted[p] !== id) {
      p = live.sorted[last + 1] === id ? last + 1 : live.pos.get(id);
    }
    if (p === undefined) {
      extras ??= new Set();
      if (extras.has(id)) {
        if (duplicates.length < MAX_REPORTED) duplicates.push(id);
        continue;
      }
      extras.add(id);
      extraIds++;
      continue;
    }
    if (seen[p] === 1) {
      if (duplicates.length < MAX_REPORTED) duplicates.push(id);
      continue;
    }
    seen[p] = 1;
    values[p] = v;
    from[p] = i;
    last = p;
    found++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (badValues.length > 0) {
    throw new DomainError(
      "invalid_submission_values",
      "Every prediction must be a finite number within [0, 1]",
      { rows: badValues },
    );
  }
  if (duplicates.length > 0) {
    throw new DomainError("invalid_submission_ids", "Duplicate ids", { duplicates });
  }
  if (found < n) {
    const missing: string[] = [];
    for (let p = 0; p < n && missing.length < MAX_REPORTED; p++) {
      if (seen[p] === 0) missing.push(live.sorted[p]!);
    }
    throw new DomainError(
      "invalid_submission_ids",
      `Missing ${n - found} of the round's ${n} live ids`,
      { missing },
    );
  }
  if (min === max) {
    throw new DomainError(
      "invalid_submission_values",
      "Predictions must not all be equal (zero std)",
    );
  }
  const parts = new Array<string>(n + 1);
  parts[0] = "id,prediction";
  const sorted = live.sorted;
  const text = rows.canonicalText;
  for (let p = 0; p < n; p++) {
    parts[p + 1] = `${sorted[p]},${text?.(from[p]!) ?? String(values[p])}`;
  }
  return { csv: `${parts.join("\n")}\n`, values, extraIds };
}

/**
 * The canonical CSV of stored predictions (`values[p]` for the live id `sorted[p]`): exactly the
 * text `canonicalSubmission` made when they were submitted, since its numbers are `String(v)`.
 */
export function canonicalCsvOf(sorted: readonly string[], values: Float64Array): string {
  if (values.length !== sorted.length) {
    throw new Error(`${values.length} stored predictions for ${sorted.length} live ids`);
  }
  const parts = new Array<string>(sorted.length + 1);
  parts[0] = "id,prediction";
  for (let p = 0; p < sorted.length; p++) parts[p + 1] = `${sorted[p]},${values[p]}`;
  return `${parts.join("\n")}\n`;
}

/** A stored submission's canonical CSV, from its text or rebuilt from its predictions. */
export function storedCanonicalCsv(
  sub: { canonicalCsv: string | null; predictions: Uint8Array | null },
  live: LiveIndex,
): string {
  if (sub.canonicalCsv !== null) return sub.canonicalCsv;
  if (sub.predictions === null) throw new Error("a submission without content");
  return canonicalCsvOf(live.sorted, decodePredictions(sub.predictions));
}
