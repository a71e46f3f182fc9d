import {
  type Db,
  decodeFeatures,
  decodeFloat64,
  finishDiagnostics,
  finishValidationSet,
  getDiagnostics,
  getValidationEra,
  getValidationSet,
  saveEraBasis,
  startDiagnostics,
  unpreparedEras,
  type ValidationEra,
  type ValidationSet,
  validationEraIds,
} from "../../db";
import {
  decodeNeutralBasis,
  diagnose,
  encodeNeutralBasis,
  type PreparedEra,
  prepareEra,
  ScoringError,
} from "../../scoring";
import { type JobContext, NotReady } from "../context";

/** Lets timers (the job's lease renewal) run between CPU-bound steps. */
const breathe = () => new Promise<void>((r) => setImmediate(r));

/** An era row as the scorer's input (with its stored basis when it has one). */
function eraInput(set: ValidationSet, row: ValidationEra) {
  const columns = decodeFeatures(row.features, row.featureType, set.features.length);
  const features = Object.fromEntries(set.features.map((name, j) => [name, columns[j]!]));
  return {
    era: row.era,
    ids: row.ids.split("\n"),
    targets: decodeFloat64(row.targets),
    metaModel: row.metaModel ? decodeFloat64(row.metaModel) : undefined,
    features,
    basis: row.basis && columns.length > 0 ? decodeNeutralBasis(row.basis, columns) : undefined,
  };
}

/**
 * This process's prepared eras of the set used last: building them from stored bases still
 * decodes every era, so repeated diagnostics against the same set reuse them. One set is kept
 * (120 eras x 5,000 rows x 416 features hold about 1 GB).
 */
let cached: { setId: string; eras: PreparedEra[] } | undefined;

/** Drops the cached eras (tests use it to show the stored path on its own). */
export function forgetPreparedEras(): void {
  cached = undefined;
}

async function preparedEras(db: Db, set: ValidationSet): Promise<PreparedEra[]> {
  if (cached?.setId === set.id) return cached.eras;
  cached = undefined;
  const positions = await validationEraIds(db, set.id);
  const eras: PreparedEra[] = [];
  for (const { position } of positions) {
    const row = await getValidationEra(db, set.id, position);
    if (!row) throw new Error(`validation set ${set.id}: era ${position} vanished`);
    eras.push(prepareEra(eraInput(set, row)));
    await breathe();
  }
  cached = { setId: set.id, eras };
  return eras;
}

/**
 * `validation.prepare`: builds each era's neutralization basis and stores it, era by era, so a
 * worker that dies midway resumes where it stopped. Then the set is `ready`. An era the scorer
 * refuses (e.g. constant targets) fails the set for good, with the reason.
 */
export async function prepareValidationJob(ctx: JobContext, payload: { setId: string }) {
  const set = await getValidationSet(ctx.db, payload.setId);
  if (!set) throw new Error(`validation set ${payload.setId} not found`);
  if (set.status !== "preparing") return;
  const t0 = performance.now();
  const todo = await unpreparedEras(ctx.db, set.id);
  // Prepared from the first era on: keep them, so this worker's first diagnostics start warm.
  const kept: PreparedEra[] | undefined = todo.length === set.eras ? [] : undefined;
  for (const position of todo) {
    if (ctx.signal?.aborted) throw new Error("lease lost");
    const row = (await getValidationEra(ctx.db, set.id, position))!;
    let prepared: PreparedEra;
    try {
      prepared = prepareEra(eraInput(set, row));
    } catch (e) {
      if (!(e instanceof ScoringError)) throw e;
      await finishValidationSet(ctx.db, set.id, { ok: false, error: e.message });
      ctx.logger.warn("validation set refused", { set: set.id, err: e.message });
      return;
    }
    // No features: nothing to neutralize, an empty basis marks the era done.
    await saveEraBasis(
      ctx.db,
      set.id,
      position,
      prepared.basis ? encodeNeutralBasis(prepared.basis) : new Uint8Array(0),
    );
    kept?.push(prepared);
    await breathe();
  }
  await finishValidationSet(ctx.db, set.id, { ok: true });
  if (kept) cached = { setId: set.id, eras: kept };
  ctx.logger.info("validation set prepared", {
    set: set.id,
    eras: set.eras,
    prepared: todo.length,
    ms: Math.round(performance.now() - t0),
  });
}

/**
 * `diagnostics.run`: scores stored validation predictions over the set's prepared eras and
 * keeps the report. Waits (without spending attempts) while the set is being prepared. What the
 * scorer refuses (constant predictions in an era...) is recorded as the diagnostics' failure,
 * not retried: the same input would fail again.
 */
export async function diagnosticsJob(ctx: JobContext, payload: { diagnosticsId: string }) {
  const d = await getDiagnostics(ctx.db, payload.diagnosticsId, true);
  if (!d) throw new Error(`diagnostics ${payload.diagnosticsId} not found`);
  if (d.status === "done" || d.status === "failed") return;
  const set = await getValidationSet(ctx.db, d.setId);
  if (!set) throw new Error(`validation set ${d.setId} not found`);
  if (set.status === "preparing")
    throw new NotReady(`validation set ${set.id} is being prepared`, 1_000);
  if (set.status === "failed") {
    await finishDiagnostics(ctx.db, d.id, {
      error: { code: "validation_set_failed", message: `The validation set failed: ${set.error}` },
    });
    return;
  }
  await startDiagnostics(ctx.db, d.id);
  const t0 = performance.now();
  const eras = await preparedEras(ctx.db, set);
  if (ctx.signal?.aborted) throw new Error("lease lost");
  const ids: string[] = [];
  for (const e of eras) for (const id of e.ids) ids.push(id);
  let report: ReturnType<typeof diagnose>;
  try {
    report = diagnose(eras, { ids, values: decodeFloat64(d.predictions!) });
  } catch (e) {
    if (!(e instanceof ScoringError)) throw e;
    await finishDiagnostics(ctx.db, d.id, {
      error: {
        code: "invalid_diagnostics",
        message: e.message,
        details: { scoringCode: e.code, ...e.details },
      },
    });
    return;
  }
  await finishDiagnostics(ctx.db, d.id, { result: report as unknown as Record<string, unknown> });
  ctx.logger.info("diagnostics done", {
    diagnostics: d.id,
    eras: report.eras,
    ms: Math.round(performance.now() - t0),
  });
}
