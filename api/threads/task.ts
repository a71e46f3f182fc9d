import { Piscina } from "piscina";
import type { MultipartForm } from "../../formats/multipart";
import { type DiagnosticsResult, diagnoseUpload } from "../domain/diagnostics";
import { readForm } from "../domain/form";
import { type PreparedLive, prepareLiveUpload } from "../domain/live";
import { type PreparedValidation, prepareValidationUpload } from "../domain/validation";
import { DomainError } from "../errors";

/** What each kind of thread task answers. */
export interface TaskValues {
  /** Loads the thread (its modules) and answers: the warm-up at start. */
  ping: true;
  diagnostics: DiagnosticsResult;
  live: PreparedLive;
  validation: PreparedValidation;
  /** A multipart form's fields and files (`arg`: its content type, with the boundary). */
  form: MultipartForm;
}
export type TaskKind = keyof TaskValues;

/** The CPU-heavy request work a worker thread runs, by kind. */
const kinds: {
  [K in TaskKind]: (bytes: Uint8Array, arg: string) => Promise<TaskValues[K]>;
} = {
  ping: async () => true,
  diagnostics: diagnoseUpload,
  live: prepareLiveUpload,
  validation: prepareValidationUpload,
  form: readForm,
};

/** Every non-shared buffer under `value` (byte arrays of a result), to move rather than copy. */
function buffers(value: unknown, out = new Set<ArrayBuffer>(), depth = 0): Set<ArrayBuffer> {
  if (depth > 4 || value === null || typeof value !== "object") return out;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  } else if (!Array.isArray(value)) {
    for (const v of Object.values(value)) buffers(v, out, depth + 1);
  }
  return out;
}

/**
 * A worker thread's task: the result, or the DomainError as plain data to rebuild. The result's
 * byte arrays (a live file's CSV, a form's files) move to the event loop's thread instead of
 * being copied there.
 */
export default async function task({
  kind,
  bytes,
  arg = "",
}: {
  kind: TaskKind;
  bytes: Uint8Array;
  arg?: string;
}) {
  try {
    const result = { ok: true as const, value: await kinds[kind](bytes, arg) };
    const moved = [...buffers(result.value)];
    if (moved.length === 0) return result;
    return Piscina.move({
      [Piscina.transferableSymbol]: moved,
      [Piscina.valueSymbol]: result,
    } as unknown as Parameters<typeof Piscina.move>[0]) as unknown as typeof result;
  } catch (e) {
    if (e instanceof DomainError)
      return {
        ok: false as const,
        error: { code: e.code, message: e.message, details: e.details },
      };
    throw e;
  }
}
