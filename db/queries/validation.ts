import { and, asc, desc, eq, getTableColumns, ne, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { newId } from "../ids";
import {
  type DiagnosticsRow,
  diagnostics,
  jobs,
  type NewValidationEra,
  type ValidationEra,
  type ValidationSet,
  validationEras,
  validationSets,
} from "../schema";
import { enqueueJob } from "./jobs";

export interface NewValidationSet {
  sha256: string;
  format: "csv" | "parquet";
  rows: number;
  features: string[];
  hasMetaModel: boolean;
}

/**
 * Stores an uploaded validation set, era by era, and queues its preparation (the worker builds
 * each era's neutralization basis), atomically.
 */
export async function createValidationSet(
  db: Db,
  set: NewValidationSet,
  eras: Omit<NewValidationEra, "setId">[],
): Promise<ValidationSet> {
  const id = newId("val");
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [row] = await t
      .insert(validationSets)
      .values({ id, ...set, eras: eras.length, status: "preparing" })
      .returning();
    // One statement per era: an era of Numerai's size is a few MB of features.
    for (const e of eras) await t.insert(validationEras).values({ ...e, setId: id });
    await enqueueJob(t, "validation.prepare", { setId: id }, { key: `validation.prepare:${id}` });
    return row!;
  });
}

export async function getValidationSet(db: Db, id: string): Promise<ValidationSet | undefined> {
  const [row] = await db.select().from(validationSets).where(eq(validationSets.id, id));
  return row;
}

/** The set new diagnostics run against: the newest upload whose preparation did not fail. */
export async function currentValidationSet(db: Db): Promise<ValidationSet | undefined> {
  const [row] = await db
    .select()
    .from(validationSets)
    .where(ne(validationSets.status, "failed"))
    .orderBy(desc(validationSets.id))
    .limit(1);
  return row;
}

/** Each era's label and ids (newline-joined), in era order: what checking predictions needs. */
export async function validationEraIds(db: Db, setId: string) {
  return db
    .select({ position: validationEras.position, era: validationEras.era, ids: validationEras.ids })
    .from(validationEras)
    .where(eq(validationEras.setId, setId))
    .orderBy(asc(validationEras.position));
}

/** A bytea column as base64 text: a third less to send and parse than the driver's hex form. */
const base64 = (column: AnyPgColumn) => sql<string | null>`encode(${column}, 'base64')`;
const fromBase64 = (text: string) => {
  const b = Buffer.from(text, "base64");
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

/**
 * One era with its data (and its basis once prepared). An era of Numerai's size is megabytes of
 * features and basis: they come as base64, which the database encodes and Node decodes natively.
 */
export async function getValidationEra(
  db: Db,
  setId: string,
  position: number,
): Promise<ValidationEra | undefined> {
  const e = validationEras;
  const [row] = await db
    .select({
      setId: e.setId,
      position: e.position,
      era: e.era,
      ids: e.ids,
      featureType: e.featureType,
      targets: base64(e.targets),
      metaModel: base64(e.metaModel),
      features: base64(e.features),
      basis: base64(e.basis),
    })
    .from(e)
    .where(and(eq(e.setId, setId), eq(e.position, position)));
  if (!row) return undefined;
  return {
    ...row,
    targets: fromBase64(row.targets!),
    metaModel: row.metaModel === null ? null : fromBase64(row.metaModel),
    features: fromBase64(row.features!),
    basis: row.basis === null ? null : fromBase64(row.basis),
  };
}

/** The positions of a set's eras that have no stored basis yet. */
export async function unpreparedEras(db: Db, setId: string): Promise<number[]> {
  const rows = await db
    .select({ position: validationEras.position })
    .from(validationEras)
    .where(and(eq(validationEras.setId, setId), sql`${validationEras.basis} is null`))
    .orderBy(asc(validationEras.position));
  return rows.map((r) => r.position);
}

export async function saveEraBasis(
  db: Db,
  setId: string,
  position: number,
  basis: Uint8Array,
): Promise<void> {
  await db
    .update(validationEras)
    .set({ basis })
    .where(and(eq(validationEras.setId, setId), eq(validationEras.position, position)));
}

/** Records the end of a set's preparation: ready, or failed with the reason. */
export async function finishValidationSet(
  db: Db,
  id: string,
  outcome: { ok: true } | { ok: false; error: string },
): Promise<void> {
  await db
    .update(validationSets)
    .set(
      outcome.ok
        ? { status: "ready", preparedAt: new Date(), error: null }
        : { status: "failed", error: outcome.error.slice(0, 4000) },
    )
    .where(eq(validationSets.id, id));
}

/** Stores a diagnostics request and queues its job, atomically. */
export async function createDiagnostics(
  db: Db,
  input: { modelId: string; setId: string; predictions: Uint8Array },
): Promise<DiagnosticsRow> {
  const id = newId("dgn");
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [row] = await t
      .insert(diagnostics)
      .values({ id, ...input, status: "queued" })
      .returning();
    await enqueueJob(t, "diagnostics.run", { diagnosticsId: id }, { key: diagnosticsJobKey(id) });
    return row!;
  });
}

export const diagnosticsJobKey = (id: string) => `diagnostics.run:${id}`;

/** A stored diagnostics request, without its predictions unless asked. */
export async function getDiagnostics(
  db: Db,
  id: string,
  withPredictions = false,
): Promise<(Omit<DiagnosticsRow, "predictions"> & { predictions?: Uint8Array }) | undefined> {
  const { predictions, ...rest } = getTableColumns(diagnostics);
  const [row] = await db
    .select(withPredictions ? { ...rest, predictions } : rest)
    .from(diagnostics)
    .where(eq(diagnostics.id, id));
  return row;
}

export async function startDiagnostics(db: Db, id: string): Promise<void> {
  await db
    .update(diagnostics)
    .set({ status: "running", startedAt: new Date() })
    .where(eq(diagnostics.id, id));
}

/** Records a diagnostics run's report, or why it failed. */
export async function finishDiagnostics(
  db: Db,
  id: string,
  outcome:
    | { result: Record<string, unknown> }
    | { error: { code: string; message: string; details?: unknown } },
): Promise<void> {
  await db
    .update(diagnostics)
    .set({
      ...("result" in outcome
        ? { status: "done" as const, result: outcome.result, error: null }
        : { status: "failed" as const, error: outcome.error }),
      finishedAt: new Date(),
    })
    .where(eq(diagnostics.id, id));
}

/** The job behind a diagnostics request (its status and last error), if any. */
export async function diagnosticsJob(db: Db, id: string) {
  const [row] = await db
    .select({ status: jobs.status, lastError: jobs.lastError, attempts: jobs.attempts })
    .from(jobs)
    .where(eq(jobs.key, diagnosticsJobKey(id)));
  return row;
}
