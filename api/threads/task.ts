import { type DiagnosticsResult, diagnoseUpload } from "../domain/diagnostics";
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
}
export type TaskKind = keyof TaskValues;

/** The CPU-heavy request work a worker thread runs, by kind. */
const kinds: { [K in TaskKind]: (bytes: Uint8Array) => Promise<TaskValues[K]> } = {
  ping: async () => true,
  diagnostics: diagnoseUpload,
  live: prepareLiveUpload,
  validation: prepareValidationUpload,
};

/** A worker thread's task: the result, or the DomainError as plain data to rebuild. */
export default async function task({ kind, bytes }: { kind: TaskKind; bytes: Uint8Array }) {
  try {
    return { ok: true as const, value: await kinds[kind](bytes) };
  } catch (e) {
    if (e instanceof DomainError)
      return {
        ok: false as const,
        error: { code: e.code, message: e.message, details: e.details },
      };
    throw e;
  }
}
