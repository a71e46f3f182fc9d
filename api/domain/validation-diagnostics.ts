import {
  createDiagnostics,
  currentValidationSet,
  type Db,
  diagnosticsJob,
  encodeFloat64,
  getDiagnostics,
  type ValidationSet,
  validationEraIds,
} from "../../db";
import { DomainError } from "../errors";
import type { PredictionRows } from "./predictions";

const MAX_REPORTED = 5;

/** A validation set's ids in its row order (eras in order, rows in file order). */
interface SetIndex {
  size: number;
  pos: Map<string, number>;
  /** The id at each position, to name missing ones. */
  ids: string[];
}

/** Indexes of the sets used last (a set never changes once stored): a few, by set id. */
const indexes = new Map<string, Promise<SetIndex>>();
const INDEXES_KEPT = 2;

function setIndex(db: Db, set: ValidationSet): Promise<SetIndex> {
  let hit = indexes.get(set.id);
  if (!hit) {
    hit = validationEraIds(db, set.id).then((eras) => {
      const ids: string[] = [];
      for (const e of eras) for (const id of e.ids.split("\n")) ids.push(id);
      const pos = new Map<string, number>();
      for (let i = 0; i < ids.length; i++) pos.set(ids[i]!, i);
      return { size: ids.length, pos, ids };
    });
    hit.catch(() => indexes.delete(set.id));
    indexes.set(set.id, hit);
    if (indexes.size > INDEXES_KEPT) indexes.delete(indexes.keys().next().value!);
  }
  return hit;
}

/**
 * Checks validation predictions (`id,prediction`, any format) against the current validation
 * set and queues their diagnostics. In order: a set exists (409 `no_validation_set`), every
 * value a finite number (422 `invalid_diagnostics`), no id twice (422
 * `diagnostics_duplicate_ids`), no id outside the set (422 `diagnostics_unknown_ids`), every id
 * of the set present (422 `diagnostics_missing_ids`), not all equal (422 `invalid_diagnostics`).
 * Each names the first few offenders and counts them.
 */
export async function postStoredDiagnostics(db: Db, modelId: string, rows: PredictionRows) {
  const set = await currentValidationSet(db);
  if (!set) {
    throw new DomainError(
      "no_validation_set",
      "The operator has not uploaded a validation set yet (POST /v1/validation); send era and " +
        "target columns to score against your own validation rows",
    );
  }
  const index = await setIndex(db, set);
  const { ids, values: input } = rows;
  const badValues: unknown[] = [];
  for (let i = 0; i < ids.length && badValues.length < MAX_REPORTED; i++) {
    if (!Number.isFinite(input[i]!))
      badValues.push({ ...rows.where(i), id: ids[i], value: rows.raw(i) });
  }
  if (badValues.length > 0) {
    throw new DomainError("invalid_diagnostics", "Every prediction must be a finite number", {
      rows: badValues,
    });
  }
  const values = new Float64Array(index.size);
  const seen = new Uint8Array(index.size);
  const duplicates: string[] = [];
  const unknown: string[] = [];
  let duplicateCount = 0;
  let unknownCount = 0;
  const extra = new Set<string>();
  let found = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const p = index.pos.get(id);
    if (p === undefined) {
      if (extra.has(id)) {
        duplicateCount++;
        if (duplicates.length < MAX_REPORTED) duplicates.push(id);
      } else {
        extra.add(id);
        unknownCount++;
        if (unknown.length < MAX_REPORTED) unknown.push(id);
      }
      continue;
    }
    if (seen[p] === 1) {
      duplicateCount++;
      if (duplicates.length < MAX_REPORTED) duplicates.push(id);
      continue;
    }
    seen[p] = 1;
    values[p] = input[i]!;
    found++;
  }
  if (duplicateCount > 0) {
    throw new DomainError("diagnostics_duplicate_ids", `${duplicateCount} rows repeat an id`, {
      duplicates,
      count: duplicateCount,
    });
  }
  if (unknownCount > 0) {
    throw new DomainError(
      "diagnostics_unknown_ids",
      `${unknownCount} ids are not in the validation set`,
      { unknown, count: unknownCount, validationSetId: set.id },
    );
  }
  if (found < index.size) {
    const missing: string[] = [];
    for (let p = 0; p < index.size && missing.length < MAX_REPORTED; p++) {
      if (seen[p] === 0) missing.push(index.ids[p]!);
    }
    throw new DomainError(
      "diagnostics_missing_ids",
      `Missing ${index.size - found} of the validation set's ${index.size} ids`,
      { missing, count: index.size - found, validationSetId: set.id },
    );
  }
  if (values.every((v) => v === values[0])) {
    throw new DomainError("invalid_diagnostics", "Predictions must not all be equal (zero std)");
  }
  const row = await createDiagnostics(db, {
    modelId,
    setId: set.id,
    predictions: encodeFloat64(values),
  });
  return {
    id: row.id,
    modelId,
    validationSetId: set.id,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * A stored diagnostics request as the API shows it: its status, and the report when done or the
 * reason when failed. A job that failed for good (its worker kept crashing) shows as failed
 * with `job_failed`, though the handler never recorded it.
 */
export async function storedDiagnosticsView(db: Db, modelId: string, id: string) {
  const row = await getDiagnostics(db, id);
  if (!row || row.modelId !== modelId) throw new DomainError("not_found", "No such diagnostics");
  let { status, error } = row;
  if (status === "queued" || status === "running") {
    const job = await diagnosticsJob(db, id);
    if (job?.status === "failed") {
      status = "failed";
      error = {
        code: "job_failed",
        message: `The diagnostics job failed after ${job.attempts} attempts; post the predictions again`,
      };
    }
  }
  return {
    id: row.id,
    modelId: row.modelId,
    validationSetId: row.setId,
    status,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    result: status === "done" ? (row.result ?? null) : null,
    error: status === "failed" ? (error ?? null) : null,
  };
}
