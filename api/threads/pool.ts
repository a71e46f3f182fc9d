import { Piscina } from "piscina";
import type { MultipartForm } from "../../formats/multipart";
import type { DiagnosticsResult } from "../domain/diagnostics";
import type { PreparedLive } from "../domain/live";
import type { PreparedValidation } from "../domain/validation";
import { DomainError, type ErrorCode } from "../errors";
import type { TaskKind, TaskValues } from "./task";

/**
 * CPU-heavy request work run off the event loop, so other requests are not kept waiting. The
 * bytes handed over move to the thread when they own their buffer: the caller must not read
 * them afterwards.
 */
export interface Offload {
  diagnostics(bytes: Uint8Array): Promise<DiagnosticsResult>;
  /** A round's live upload converted, validated and hashed (`prepareLiveUpload`). */
  live(bytes: Uint8Array): Promise<PreparedLive>;
  /** An operator's validation upload read and encoded (`prepareValidationUpload`). */
  validation(bytes: Uint8Array): Promise<PreparedValidation>;
  /** A multipart body parsed into fields and files (`readForm`); its files' bytes move back. */
  form(bytes: Uint8Array, contentType: string): Promise<MultipartForm>;
  /**
   * Starts the threads and loads their modules now, so the first heavy upload does not pay for
   * it (under tsx, module loading also costs the event loop's thread: its loader hooks).
   */
  warm?(): Promise<void>;
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

/**
 * A piscina pool of worker threads for heavy uploads, started on first use or by `warm`. Its
 * threads stay up once started (restarting one reloads its modules, which under tsx also costs
 * the event loop's thread about a second of CPU).
 */
export function threadOffload(opts: OffloadOptions = {}): Offload {
  let pool: Piscina | undefined;
  const threads = opts.threads ?? 1;
  const get = () => {
    pool ??= new Piscina({
      filename: new URL("./task.mjs", import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      maxQueue: opts.queue ?? 4,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    return pool;
  };
  const run = async <K extends TaskKind>(
    kind: K,
    bytes: Uint8Array,
    what: string,
    arg?: string,
  ): Promise<TaskValues[K]> => {
    const p = get();
    if (p.queueSize >= (opts.queue ?? 4)) {
      throw new DomainError("unavailable", `${what} are busy; retry shortly`);
    }
    const signal = AbortSignal.timeout(opts.timeoutMs ?? 60_000);
    let out: TaskResult<K>;
    try {
      // The body moves to the thread (no copy on this thread) when it owns its whole buffer;
      // the callers do not read it afterwards.
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      const transferList = own && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : undefined;
      out = await p.run({ kind, bytes, arg }, { signal, transferList });
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
    form: (bytes, contentType) => run("form", bytes, "Form uploads", contentType),
    async warm() {
      await Promise.all(
        Array.from({ length: threads }, () => run("ping", new Uint8Array(0), "Thread start")),
      );
    },
    async close() {
      await pool?.destroy();
    },
  };
}
