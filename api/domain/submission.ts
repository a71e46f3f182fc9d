import { ApiError } from "../errors";
import { parseCsv, parseNumber } from "./csv";

export interface CanonicalSubmission {
  /** `id,prediction` for the round's live ids, sorted by id, numbers in shortest form. */
  csv: string;
  /** Ids in the file that are not in the round: reported, then ignored. */
  extraIds: number;
}

const MAX_REPORTED = 5;

/** Validates a submission against a round's live ids (SCORING.md rules) and canonicalises it. */
export function canonicalSubmission(
  bytes: Uint8Array,
  liveIds: ReadonlySet<string>,
): CanonicalSubmission {
  const { header, rows } = parseCsv(bytes, "invalid_submission_headers");
  const col =
    header.indexOf("prediction") >= 0
      ? header.indexOf("prediction")
      : header.indexOf("probability");
  const idCol = header.indexOf("id");
  if (idCol < 0 || col < 0) {
    throw new ApiError(
      "invalid_submission_headers",
      "Header must have 'id' and one of 'prediction' / 'probability'",
      { header },
    );
  }
  const values = new Map<string, number>();
  const badValues: { line: number; id: string; value: string }[] = [];
  const duplicates: string[] = [];
  let extraIds = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const id = row[idCol]!;
    const v = parseNumber(row[col]!);
    if (!(v >= 0 && v <= 1)) {
      if (badValues.length < MAX_REPORTED) badValues.push({ line: i + 2, id, value: row[col]! });
      continue;
    }
    if (values.has(id)) {
      if (duplicates.length < MAX_REPORTED) duplicates.push(id);
      continue;
    }
    if (!liveIds.has(id)) {
      extraIds++;
      continue;
    }
    values.set(id, v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (badValues.length > 0) {
    throw new ApiError(
      "invalid_submission_values",
      "Every prediction must be a finite number within [0, 1]",
      { rows: badValues },
    );
  }
  if (duplicates.length > 0) {
    throw new ApiError("invalid_submission_ids", "Duplicate ids", { duplicates });
  }
  if (values.size < liveIds.size) {
    const missing: string[] = [];
    for (const id of liveIds) {
      if (!values.has(id)) missing.push(id);
      if (missing.length >= MAX_REPORTED) break;
    }
    throw new ApiError(
      "invalid_submission_ids",
      `Missing ${liveIds.size - values.size} of the round's ${liveIds.size} live ids`,
      { missing },
    );
  }
  if (min === max) {
    throw new ApiError("invalid_submission_values", "Predictions must not all be equal (zero std)");
  }
  const ids = [...values.keys()].sort();
  let csv = "id,prediction\n";
  for (const id of ids) csv += `${id},${values.get(id)}\n`;
  return { csv, extraIds };
}
