import { Piscina } from "piscina";
import type { DiagnosticsResult } from "../domain/diagnostics";
import type { PreparedLive } from "../domain/live";
import type { PreparedValidation } from "../domain/validation";
import { DomainError, type ErrorCode } from "../errors";
import type { TaskKind, TaskValues } from "./task";

/** CPU-heavy request work run off the event loop, so other requests are not kept waiting. */
export interface Offload {
  diagnostics(bytes: Uint8Array): Promise<DiagnosticsResult>;
  /** A round's live upload converted, validated and hashed (`prepareLiveUpload`). */
  live(bytes: Uint8Array): Promise<PreparedLive>;
  /** An operator's validation upload read and encoded (`prepareValidationUpload`). */
  validation(bytes: Uint8Array): Promise<PreparedValidation>;
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

type TaskResult<K extends TaskKind> =
  | { ok: true; value: TaskValues[K] }
  | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

/** A piscina pool of worker threads for heavy uploads, started lazily on first use. */
export function threadOffload(opts: OffloadOptions = {}): Offload {
  let pool: Piscina | undefined;
  const get = () => {
    pool ??= new Piscina({
      filename: new URL("./task.mjs", import.meta.url).href,
      minThreads: 0,
      maxThreads: opts.threads ?? 1,
      maxQueue: opts.queue ?? 4,
      idleTimeout: 30_000,
    });
    return pool;
  };
  const run = async <K extends TaskKind>(
    kind: K,
    bytes: Uint8Array,
    what: string,
  ): Promise<TaskValues[K]> => {
    const p = get();
    if (p.queueSize >= (opts.queue ?? 4)) {
      throw new DomainError("unavailable", `${what} are busy; retry shortly`);
    }
    const signal = AbortSignal.timeout(opts.timeoutMs ?? 60_000);
    let out: TaskResult<K>;
    try {
      // Copied into the thread's memory once.
      out = await p.run({ kind, bytes }, { signal });
    } catch (err) {
      if (signal.aborted) throw new DomainError("unavailable", `${what} took too long`);
      if ((err as Error).message?.includes("queue is at limit"))
        throw new DomainError("unavailable", `${what} are busy; retry shortly`);
      throw err;
    }
    if (!out.ok) throw new DomainError(out.error.code, out.error.message, out.error.details);
    return out.value;
  };
  return {
    diagnostics: (bytes) => run("diagnostics", bytes, "Diagnostics"),
    live: (bytes) => run("live", bytes, "Live uploads"),
    validation: (bytes) => run("validation", bytes, "Validation uploads"),
    async close() {
      await pool?.destroy();
    },
  };
}
