import { Piscina } from "piscina";
import type { DiagnosticsResult } from "../domain/diagnostics";
import { ApiError, type ErrorCode } from "../errors";

/** CPU-heavy request work run off the event loop, so other requests are not kept waiting. */
export interface Offload {
  diagnostics(bytes: Uint8Array): Promise<DiagnosticsResult>;
  close(): Promise<void>;
}

export interface OffloadOptions {
  /** Worker threads (default 1: the other core serves requests). */
  threads?: number;
  /** Tasks waiting for a thread beyond which new ones are refused with 503 (default 4). */
  queue?: number;
  /** A task running longer than this is stopped and answered 503 (default 60 s). */
  timeoutMs?: number;
}

type TaskResult =
  | { ok: true; value: DiagnosticsResult }
  | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

/** A piscina pool of worker threads for diagnostics, started lazily on first use. */
export function threadOffload(opts: OffloadOptions = {}): Offload {
  let pool: Piscina | undefined;
  const get = () => {
    pool ??= new Piscina({
      filename: new URL("./diagnostics-task.mjs", import.meta.url).href,
      minThreads: 0,
      maxThreads: opts.threads ?? 1,
      maxQueue: opts.queue ?? 4,
      idleTimeout: 30_000,
    });
    return pool;
  };
  return {
    async diagnostics(bytes) {
      const p = get();
      if (p.queueSize >= (opts.queue ?? 4)) {
        throw new ApiError("unavailable", "Diagnostics are busy; retry shortly");
      }
      const signal = AbortSignal.timeout(opts.timeoutMs ?? 60_000);
      let out: TaskResult;
      try {
        // Copied into the thread's memory once (moved when the buffer is exactly the body).
        out = await p.run(bytes, { signal });
      } catch (err) {
        if (signal.aborted) throw new ApiError("unavailable", "Diagnostics took too long");
        if ((err as Error).message?.includes("queue is at limit"))
          throw new ApiError("unavailable", "Diagnostics are busy; retry shortly");
        throw err;
      }
      if (!out.ok) throw new ApiError(out.error.code, out.error.message, out.error.details);
      return out.value;
    },
    async close() {
      await pool?.destroy();
    },
  };
}
