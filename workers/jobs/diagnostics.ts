import {
  currentValidationSet,
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
 * reads and decodes every era, so repeated diagnostics against the same set reuse them. One set
 * is kept (120 eras x 5,000 rows x 416 features hold about 1 GB).
 */
let cached: { setId: string; eras: PreparedEra[] } | undefined;
/** The set whose eras are being read back, shared by whoever needs them meanwhile. */
let loading: { setId: string; eras: Promise<PreparedEra[]> } | undefined;

/** Drops the cached eras (tests use it to show the stored path on its own, as after a restart). */
export function forgetPreparedEras(): void {
  cached = undefined;
  loading = undefined;
}

/** The set whose prepared eras this process holds, if any. */
export function preparedErasSetId(): string | undefined {
  return cached?.setId;
}

/** Thrown when a read-back is stopped (the worker stopping during its start-up warm-up). */
class Stopped extends Error {}

/**
 * Reads a prepared set's eras back and rebuilds them from their stored bases, one era at a
 * time, the next era's row already on its way from the database while this one is rebuilt.
 */
async function loadEras(db: Db, set: ValidationSet, signal?: AbortSignal): Promise<PreparedEra[]> {
  const positions = await validationEraIds(db, set.id);
  const fetch = (i: number) =>
    i < positions.length ? getValidationEra(db, set.id, positions[i]!.position) : undefined;
  const eras: PreparedEra[] = [];
  let next = fetch(0);
  next?.catch(() => {});
  for (let i = 0; i < positions.length; i++) {
    const row = await next!;
    if (!row) throw new Error(`validation set ${set.id}: era ${positions[i]!.position} vanished`);
    if (signal?.aborted) throw new Stopped("stopped");
    next = fetch(i + 1);
    next?.catch(() => {}); // awaited (and its error raised) on the next turn
    // The driver sends queries on the next turn: let it go out before this era's CPU work.
    await breathe();
    eras.push(prepareEra(eraInput(set, row)));
  }
  return eras;
}

/**
 * The set's prepared eras: this process's copy, the read-back already under way, or a new one
 * (dropping the copy of another set first).
 */
function preparedEras(db: Db, set: ValidationSet, signal?: AbortSignal): Promise<PreparedEra[]> {
  if (cached?.setId === set.id) return Promise.resolve(cached.eras);
  if (loading?.setId === set.id) return loading.eras;
  cached = undefined;
  const mine = { setId: set.id, eras: loadEras(db, set, signal) };
  loading = mine;
  mine.eras.then(
    (eras) => {
      if (loading === mine) {
        cached = { setId: set.id, eras };
        loading = undefined;
      }
    },
    () => {
      if (loading === mine) loading = undefined;
    },
  );
  return mine.eras;
}

/**
 * Reads the current validation set's prepared eras back in the background (a worker calls it
 * at start-up), so the first diagnostics after a restart do not pay for it: one that comes
 * meanwhile waits for the rest of the read-back only. Nothing to do without a ready set.
 * `signal` stops it (between eras). Resolves to what it warmed, or null.
 */
export async function warmPreparedEras(
  db: Db,
  logger: JobContext["logger"],
  signal?: AbortSignal,
): Promise<{ setId: string; eras: number; ms: number } | null> {
  const set = await currentValidationSet(db);
  if (set?.status !== "ready" || signal?.aborted) return null;
  if (cached?.setId === set.id) return { setId: set.id, eras: cached.eras.length, ms: 0 };
  const t0 = performance.now();
  try {
    const eras = await preparedEras(db, set, signal);
    const ms = Math.round(performance.now() - t0);
    logger.info("validation eras warmed", { set: set.id, eras: eras.length, ms });
    return { setId: set.id, eras: eras.length, ms };
  } catch (e) {
    if (e instanceof Stopped) return null;
    throw e;
  }
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
  if (kept) {
    cached = { setId: set.id, eras: kept };
    loading = undefined; // a read-back of an older set under way is not kept when it ends
  }
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
  let eras: PreparedEra[];
  try {
    eras = await preparedEras(ctx.db, set);
  } catch (e) {
    // The start-up warm-up this joined was stopped: the worker is stopping, not the job failing.
    if (e instanceof Stopped) throw new NotReady("the worker stopped reading the eras back", 0);
    throw e;
  }
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
