import { DomainError } from "../errors";
import { type DiagnosticsResult, diagnoseUpload } from "./diagnostics";
import { ownedModel } from "./models";
import { predictionFormat, readPredictions } from "./predictions";
import type { DomainServices } from "./services";
import { readUpload, type Upload } from "./upload";
import { uploadColumns } from "./validation";
import { postStoredDiagnostics } from "./validation-diagnostics";

/** The stored form: no `era` or `target` column (JSON is always the stored form). */
function isStoredForm(contentType: string | undefined, bytes: Uint8Array): boolean {
  if (predictionFormat(contentType, bytes) === "json") return true;
  const columns = uploadColumns(bytes);
  return !columns.includes("era") && !columns.includes("target");
}

export type DiagnosticsAnswer =
  /** Queued against the operator's validation set: poll its id. */
  | { kind: "stored"; queued: Awaited<ReturnType<typeof postStoredDiagnostics>> }
  /** Scored at once from the caller's own era and target columns; nothing stored. */
  | { kind: "stateless"; modelId: string; result: DiagnosticsResult };

/**
 * A model's diagnostics, told apart by the upload's columns. `id,prediction` only (CSV, Parquet
 * or JSON): checked against the current validation set and stored, the worker scores it. With
 * `era` and `target` columns: scored at once (off the event loop when the services offload).
 * The model must be the caller's (404, 403).
 */
export async function requestDiagnostics(
  s: Pick<DomainServices, "db" | "offload">,
  input: {
    accountId: string;
    modelId: string;
    contentType: string | undefined;
    predictions: Upload;
  },
): Promise<DiagnosticsAnswer> {
  const model = await ownedModel(s.db, input.accountId, input.modelId);
  const bytes = await readUpload(input.predictions);
  const type = input.contentType;
  if (isStoredForm(type, bytes)) {
    const format = predictionFormat(type, bytes) ?? "csv";
    let rows: Awaited<ReturnType<typeof readPredictions>>;
    try {
      rows = await readPredictions(format, bytes);
    } catch (e) {
      // The submission readers' codes, as this action's.
      if (e instanceof DomainError && e.code.startsWith("invalid_submission")) {
        throw new DomainError("invalid_diagnostics", e.message, e.details);
      }
      throw e;
    }
    return { kind: "stored", queued: await postStoredDiagnostics(s.db, model.id, rows) };
  }
  const result = s.offload ? await s.offload.diagnostics(bytes) : await diagnoseUpload(bytes);
  return { kind: "stateless", modelId: model.id, result };
}
