import { diagnoseUpload } from "../domain/diagnostics";
import { ApiError } from "../errors";

/** A worker thread's diagnostics task: the result, or the ApiError as plain data to rebuild. */
export default async function task(bytes: Uint8Array) {
  try {
    return { ok: true as const, value: await diagnoseUpload(bytes) };
  } catch (e) {
    if (e instanceof ApiError)
      return {
        ok: false as const,
        error: { code: e.code, message: e.message, details: e.details },
      };
    throw e;
  }
}
