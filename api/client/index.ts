/**
 * A typed client for the Tourney HTTP API: `createClient({ baseUrl, apiKey })`. Types are written
 * by hand after the routes' zod schemas (api/routes/*.ts); failures throw `TourneyApiError` with
 * the API's error envelope (`{"error": {"code", "message", "details", "requestId"}}`).
 *
 * Works in Node 20+ and browsers (only `fetch`, `FormData`, `Blob` and Web Crypto are used).
 */

export type RoundStatus = "open" | "closed" | "resolved" | "scored" | "settled";
export type Scope = "read" | "submit" | "operator";
/** 0x-prefixed bytes32 model id, as known on chain. */
export type ModelId = `0x${string}`;

export interface Round {
  number: number;
  status: RoundStatus;
  opensAt: string;
  closesAt: string;
  resolvesAt: string;
  liveSha256: string;
  targetsSha256: string | null;
  payout: {
    /** WAD (1e18 = 100%). */
    payoutCap: string;
    corrMultiplier: string;
    mmcMultiplier: string;
    /** Token wei. */
    stakeThreshold: string;
  };
  submissionsRoot: string | null;
  scoresRoot: string | null;
  transactions: {
    open: string | null;
    close: string | null;
    resolve: string | null;
    finalize: string | null;
  };
}

export interface Model {
  id: ModelId;
  name: string;
  accountId: string;
  createdAt: string;
}

export interface Score {
  round: number;
  modelId: ModelId;
  corr: number;
  mmc: number | null;
  fnc: number | null;
  /** Token wei. */
  stakeAtRisk: string;
  /** Token wei, signed: negative was burnt. */
  payout: string;
  settleTx: string | null;
}

/** One day of a model's daily scores (provisional targets; nothing settled). */
export interface DailyDay {
  day: number;
  corr: number;
  mmc: number | null;
  fnc: number | null;
  /** Token wei. */
  stakeAtRisk: string;
  /** Token wei, signed: what the round would pay on these targets. */
  projectedPayout: string;
}

export interface ModelDailyScores {
  modelId: ModelId;
  round: number | null;
  days: DailyDay[];
}

export interface DailyTargetsPosted {
  round: number;
  day: number;
  targetsSha256: string;
  replaced: boolean;
  uploadedAt: string;
}

export interface Submission {
  id: string;
  round: number;
  sha256: string;
  selected: boolean;
  late: boolean;
  createdAt: string;
}

export interface CreatedSubmission {
  id: string;
  round: number;
  sha256: string;
  selected: boolean;
  late: boolean;
  extraIds: number;
}

export interface LeaderboardRow {
  rank: number;
  modelId: ModelId;
  name: string;
  rounds: number;
  reputation: number;
  meanCorr: number;
  meanMmc: number | null;
}

export interface Health {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: unknown }>;
}

export interface CreatedAccount {
  account: { id: string; name: string };
  apiKey: string;
  keyId: string;
}

export interface CreatedKey {
  id: string;
  apiKey: string;
  scopes: Scope[];
}

export interface OpenRoundInput {
  /** The live CSV (`id` + features). */
  live: Upload;
  closesAt: Date | string;
  resolvesAt: Date | string;
  /** Decimals as strings or numbers, e.g. "0.05". */
  payoutCap?: string | number;
  corrMultiplier?: string | number;
  mmcMultiplier?: string | number;
  /** Tokens. */
  stakeThreshold?: string | number;
}

/** File contents: a string, bytes or a Blob (a `File` from `fs.openAsBlob` streams from disk). */
export type Upload = string | Uint8Array | ArrayBuffer | Blob;

export interface UploadOptions {
  /** Called as the body is handed to the network: bytes sent so far, and the total. */
  onProgress?: (sent: number, total: number) => void;
  /** Sent as `Idempotency-Key`: retrying with the same key replays the first response. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** e.g. `http://127.0.0.1:8787` (a trailing slash is fine). */
  baseUrl: string;
  apiKey?: string;
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/** A non-2xx answer from the API, or a response that was not what the API promises. */
export class TourneyApiError extends Error {
  override readonly name = "TourneyApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/** The live file and whether its SHA-256 matched `X-Content-SHA256` (a mismatch throws). */
export interface LiveDownload {
  round: number;
  bytes: Uint8Array;
  sha256: string;
}

const trimSlash = (s: string) => s.replace(/\/+$/, "");

async function toBlob(data: Upload, type: string): Promise<Blob> {
  if (data instanceof Blob) return data;
  if (typeof data === "string") return new Blob([data], { type });
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
}

/** Hex SHA-256 with Web Crypto (Node 20 and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A body stream over `blob` that reports progress as chunks are pulled. */
function progressStream(blob: Blob, onProgress: (sent: number, total: number) => void) {
  const total = blob.size;
  let sent = 0;
  const reader = blob.stream().getReader();
  onProgress(0, total);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      // Hand the network at most 64 KiB at a time so progress moves smoothly.
      for (let i = 0; i < value.byteLength; i += 65536) {
        const chunk = value.subarray(i, i + 65536);
        controller.enqueue(chunk);
        sent += chunk.byteLength;
        onProgress(sent, total);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

export type TourneyClient = ReturnType<typeof createClient>;

export function createClient(options: ClientOptions) {
  const base = trimSlash(options.baseUrl);
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function send(
    method: string,
    path: string,
    init: {
      json?: unknown;
      body?: RequestInit["body"];
      type?: string;
      auth?: boolean;
      headers?: Record<string, string>;
      signal?: AbortSignal;
      stream?: boolean;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers, ...init.headers };
    if (init.auth !== false && options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    let body = init.body;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    if (init.type) headers["content-type"] = init.type;
    const req: RequestInit & { duplex?: "half" } = { method, headers, body, signal: init.signal };
    if (init.stream) req.duplex = "half";
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, req);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new TourneyApiError(
        0,
        "network_error",
        `Cannot reach ${base}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
      );
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }

  async function errorFrom(res: Response): Promise<TourneyApiError> {
    const text = await res.text().catch(() => "");
    let env: { error?: { code?: string; message?: string; details?: unknown; requestId?: string } };
    try {
      env = JSON.parse(text);
    } catch {
      env = {};
    }
    const e = env.error;
    if (e && typeof e.code === "string") {
      return new TourneyApiError(
        res.status,
        e.code,
        e.message ?? res.statusText,
        e.details,
        e.requestId ?? res.headers.get("x-request-id") ?? undefined,
      );
    }
    return new TourneyApiError(
      res.status,
      `http_${res.status}`,
      `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ""}`,
      undefined,
      res.headers.get("x-request-id") ?? undefined,
    );
  }

  async function json<T>(
    method: string,
    path: string,
    init?: Parameters<typeof send>[2],
  ): Promise<T> {
    const res = await send(method, path, init);
    return (await res.json()) as T;
  }

  const enc = encodeURIComponent;

  /** Every item of a cursor-paged list (`?cursor=&limit=`, `nextCursor`); one page on servers without paging. */
  async function all<T>(path: string, field: string, limit = 100): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | null | undefined;
    const sep = path.includes("?") ? "&" : "?";
    do {
      const q = `${sep}limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ""}`;
      const page = await json<Record<string, unknown>>("GET", `${path}${q}`);
      out.push(...((page[field] as T[]) ?? []));
      cursor = page.nextCursor as string | null | undefined;
    } while (cursor);
    return out;
  }

  return {
    baseUrl: base,

    health: async (): Promise<Health> => {
      // 503 still carries the checks: report them instead of throwing.
      const res = await doFetch(`${base}/health`).catch((e: Error) => {
        throw new TourneyApiError(0, "network_error", `Cannot reach ${base}: ${e.message}`);
      });
      if (res.status === 200 || res.status === 503) return (await res.json()) as Health;
      throw await errorFrom(res);
    },

    accounts: {
      create: (name: string) =>
        json<CreatedAccount>("POST", "/v1/accounts", { json: { name }, auth: false }),
    },

    keys: {
      create: (scopes: Scope[] = ["read", "submit"]) =>
        json<CreatedKey>("POST", "/v1/keys", { json: { scopes } }),
      revoke: async (id: string): Promise<void> => {
        await send("DELETE", `/v1/keys/${enc(id)}`);
      },
    },

    models: {
      create: (name: string) => json<Model>("POST", "/v1/models", { json: { name } }),
      get: (id: string) => json<Model>("GET", `/v1/models/${enc(id)}`),
      /**
       * The calling account's models (`GET /v1/models`). Older servers do not have this route:
       * they answer 404 `not_found`.
       */
      list: async (): Promise<Model[]> => {
        const body = await json<{ models: Model[] } | Model[]>("GET", "/v1/models");
        return Array.isArray(body) ? body : body.models;
      },
      /** Every submission of a model, newest first (follows the pages). */
      submissions: (id: string): Promise<Submission[]> =>
        all<Submission>(`/v1/models/${enc(id)}/submissions`, "submissions"),
      /** Every score of a model, newest round first (follows the pages). */
      scores: (id: string): Promise<Score[]> =>
        all<Score>(`/v1/models/${enc(id)}/scores`, "scores"),
      /** A model's daily scores in `round` (default: its newest round with daily scores). */
      dailyScores: (id: string, round?: number) =>
        json<ModelDailyScores>(
          "GET",
          `/v1/models/${enc(id)}/scores/daily${round ? `?round=${round}` : ""}`,
        ),
    },

    /** Posts predictions (CSV `id,prediction`) for the open round, or for `opts.round`. */
    submit: async (
      modelId: string,
      csv: Upload,
      opts: UploadOptions & { round?: number } = {},
    ): Promise<CreatedSubmission> => {
      const blob = await toBlob(csv, "text/csv");
      const headers: Record<string, string> = {};
      if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
      const q = opts.round ? `?round=${opts.round}` : "";
      const res = await send("POST", `/v1/models/${enc(modelId)}/submissions${q}`, {
        body: opts.onProgress ? progressStream(blob, opts.onProgress) : blob,
        stream: Boolean(opts.onProgress),
        type: "text/csv",
        headers,
        signal: opts.signal,
      });
      return (await res.json()) as CreatedSubmission;
    },

    rounds: {
      list: (opts: { limit?: number; cursor?: number | string } = {}) => {
        const q = new URLSearchParams();
        if (opts.limit) q.set("limit", String(opts.limit));
        if (opts.cursor !== undefined && opts.cursor !== null) q.set("cursor", String(opts.cursor));
        const s = q.toString();
        return json<{ rounds: Round[]; nextCursor: string | null }>(
          "GET",
          `/v1/rounds${s ? `?${s}` : ""}`,
        );
      },
      /** Every round, newest first, following the cursor. */
      all: async (): Promise<Round[]> => {
        const out: Round[] = [];
        let cursor: string | null = null;
        do {
          const page: { rounds: Round[]; nextCursor: string | null } = await json(
            "GET",
            `/v1/rounds?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
          );
          out.push(...page.rounds);
          cursor = page.nextCursor;
        } while (cursor);
        return out;
      },
      current: () => json<Round>("GET", "/v1/rounds/current"),
      get: (n: number) => json<Round>("GET", `/v1/rounds/${n}`),
      /** Downloads the live file and checks its SHA-256 against `X-Content-SHA256`. */
      live: async (n: number): Promise<LiveDownload> => {
        const res = await send("GET", `/v1/rounds/${n}/live`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        const sha256 = await sha256Hex(bytes);
        const claimed = res.headers.get("x-content-sha256");
        if (!claimed) {
          throw new TourneyApiError(
            res.status,
            "integrity_unknown",
            "The server sent no X-Content-SHA256 header",
          );
        }
        if (claimed.toLowerCase() !== sha256) {
          throw new TourneyApiError(
            res.status,
            "integrity_mismatch",
            `Live file SHA-256 ${sha256} does not match X-Content-SHA256 ${claimed}`,
            { expected: claimed, actual: sha256 },
          );
        }
        return { round: n, bytes, sha256 };
      },
      open: async (input: OpenRoundInput, opts: UploadOptions = {}) => {
        const form = new FormData();
        form.set("live", await toBlob(input.live, "text/csv"), "live.csv");
        const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : d);
        form.set("closesAt", iso(input.closesAt));
        form.set("resolvesAt", iso(input.resolvesAt));
        for (const k of [
          "payoutCap",
          "corrMultiplier",
          "mmcMultiplier",
          "stakeThreshold",
        ] as const) {
          if (input[k] !== undefined) form.set(k, String(input[k]));
        }
        const headers: Record<string, string> = {};
        if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
        return json<{ number: number; status: RoundStatus; liveSha256: string }>(
          "POST",
          "/v1/rounds",
          { body: form, headers, signal: opts.signal },
        );
      },
      close: (n: number) => json<Round>("POST", `/v1/rounds/${n}/close`),
      resolve: async (n: number, targets: Upload) => {
        const form = new FormData();
        form.set("targets", await toBlob(targets, "text/csv"), "targets.csv");
        return json<{ number: number; status: RoundStatus; targetsSha256: string }>(
          "POST",
          `/v1/rounds/${n}/resolve`,
          { body: form },
        );
      },
      /** Posts provisional targets for a closed round's day (operator); daily scoring follows. */
      daily: async (n: number, day: number, targets: Upload) => {
        const form = new FormData();
        form.set("targets", await toBlob(targets, "text/csv"), "targets.csv");
        form.set("day", String(day));
        return json<DailyTargetsPosted>("POST", `/v1/rounds/${n}/scores/daily`, { body: form });
      },
      /** Every model's score in a round, or with `opts.day` its daily scores (follows the pages). */
      scores: async (
        n: number,
        opts: { day?: number } = {},
      ): Promise<{ round: number; status: RoundStatus; day?: number; scores: Score[] }> => {
        const d = opts.day === undefined ? "" : `&day=${opts.day}`;
        const first = await json<{
          round: number;
          status: RoundStatus;
          day?: number;
          scores: Score[];
          nextCursor?: string | null;
        }>("GET", `/v1/rounds/${n}/scores?limit=500${d}`);
        const scores = [...first.scores];
        let cursor = first.nextCursor;
        while (cursor) {
          const page = await json<{ scores: Score[]; nextCursor?: string | null }>(
            "GET",
            `/v1/rounds/${n}/scores?limit=500${d}&cursor=${enc(cursor)}`,
          );
          scores.push(...page.scores);
          cursor = page.nextCursor;
        }
        return first.day === undefined
          ? { round: first.round, status: first.status, scores }
          : { round: first.round, status: first.status, day: first.day, scores };
      },
    },

    /** The top `limit` models by reputation (one page). */
    leaderboard: async (limit?: number): Promise<LeaderboardRow[]> =>
      (
        await json<{ models: LeaderboardRow[] }>(
          "GET",
          `/v1/leaderboard${limit ? `?limit=${limit}` : ""}`,
        )
      ).models,
  };
}
