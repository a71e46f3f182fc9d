import { createRoute, z } from "@hono/zod-openapi";
import { formatUnits, parseUnits } from "viem";
import {
  createRound,
  currentRound,
  enqueueJob,
  getRound,
  listRounds,
  openRoundBefore,
  type Round,
  rescheduleJob,
  transitionRound,
} from "../../db";
import { sha256Hex } from "../domain/hash";
import { parseTargets, prepareLiveUpload, utf8, withoutBom } from "../domain/live";
import { liveIdSet } from "../domain/live-cache";
import { ApiError, errorResponses } from "../errors";
import type { App } from "../hono-app";
import { readFormFile } from "../http/body";
import { requireAuth } from "../middleware/auth";
import { formHook, invalidFields } from "./forms";
import { INT4_MAX, positiveInt, RoundParam } from "./pages";

/** A round's state, in the order a round goes through them. */
export const RoundStatusSchema = z.enum([
  "open",
  "closed",
  "resolved",
  "scored",
  "settled",
  "cancelled",
]);

const RoundSchema = z
  .object({
    number: z.number().int(),
    status: RoundStatusSchema,
    opensAt: z.string(),
    closesAt: z.string(),
    resolvesAt: z.string(),
    liveSha256: z.string(),
    targetsSha256: z.string().nullable(),
    payout: z.object({
      payoutCap: z.string().openapi({ description: "WAD (1e18 = 100%)" }),
      corrMultiplier: z.string(),
      mmcMultiplier: z.string(),
      stakeThreshold: z.string().openapi({ description: "token wei" }),
    }),
    fncFeatures: z.array(z.string()).nullable().openapi({
      description: "the live columns FNC neutralizes against; null: every feature column",
    }),
    submissionsRoot: z.string().nullable(),
    scoresRoot: z.string().nullable(),
    transactions: z.object({
      open: z.string().nullable(),
      close: z.string().nullable(),
      resolve: z.string().nullable(),
      finalize: z.string().nullable(),
    }),
  })
  .openapi("Round");

export function roundJson(r: Round) {
  return {
    number: r.number,
    status: r.status,
    opensAt: r.opensAt.toISOString(),
    closesAt: r.closesAt.toISOString(),
    resolvesAt: r.resolvesAt.toISOString(),
    liveSha256: r.liveSha256,
    targetsSha256: r.targetsSha256,
    payout: {
      payoutCap: r.payoutCap,
      corrMultiplier: r.corrMultiplier,
      mmcMultiplier: r.mmcMultiplier,
      stakeThreshold: r.stakeThreshold,
    },
    fncFeatures: r.fncFeatures === null ? null : (JSON.parse(r.fncFeatures) as string[]),
    submissionsRoot: r.submissionsRoot,
    scoresRoot: r.scoresRoot,
    transactions: {
      open: r.openTx,
      close: r.closeTx,
      resolve: r.resolveTx,
      finalize: r.finalizeTx,
    },
  };
}

const NumberParam = RoundParam;
const json = (schema: z.ZodType) => ({ "application/json": { schema } });
const decimal = z
  .string()
  .max(100)
  .regex(/^\d+(\.\d{1,18})?$/, "a non-negative decimal number with at most 18 decimal places");

const OpenForm = z.object({
  live: z.any().openapi({
    type: "string",
    format: "binary",
    description:
      "CSV (id + numeric features) or Parquet (same columns; stored and served as CSV, and " +
      "liveSha256 is the hash of that CSV)",
  }),
  closesAt: z.iso.datetime({ offset: true }),
  resolvesAt: z.iso.datetime({ offset: true }),
  payoutCap: decimal.optional().openapi({ example: "0.05" }),
  corrMultiplier: decimal.optional().openapi({ example: "0.5" }),
  mmcMultiplier: decimal.optional().openapi({ example: "2" }),
  stakeThreshold: decimal.optional().openapi({ example: "72000", description: "tokens" }),
  fncFeatures: z.string().optional().openapi({
    example: '["feature_a","feature_b"]',
    description:
      "live feature columns FNC neutralizes against, as a JSON array of names or a comma-separated list (default: every feature column)",
  }),
  predictionsDelayHours: z
    .union([
      z.literal("never"),
      z
        .string()
        .max(20)
        .regex(/^\d+(\.\d+)?$/),
    ])
    .optional()
    .openapi({
      example: "24",
      description:
        "hours after resolution before other models' predictions join the public bundle (default 0; 'never' keeps only their hashes)",
    }),
});

const OpenFormFields = OpenForm.omit({ live: true });

export const open = createRoute({
  method: "post",
  path: "/v1/rounds",
  tags: ["rounds"],
  summary: "Open a round with its live data (operator)",
  security: [{ bearer: [] }],
  request: { body: { content: { "multipart/form-data": { schema: OpenForm } }, required: true } },
  responses: {
    201: {
      description: "Opened",
      content: json(z.object({ number: z.number(), status: z.string(), liveSha256: z.string() })),
    },
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});

export const list = createRoute({
  method: "get",
  path: "/v1/rounds",
  tags: ["rounds"],
  summary: "Rounds, newest first",
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: positiveInt().optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of rounds",
      content: json(z.object({ rounds: z.array(RoundSchema), nextCursor: z.string().nullable() })),
    },
    ...errorResponses(400),
  },
});

export const current = createRoute({
  method: "get",
  path: "/v1/rounds/current",
  tags: ["rounds"],
  summary: "The round open for submissions",
  responses: {
    200: { description: "The round", content: json(RoundSchema) },
    ...errorResponses(404),
  },
});

export const get = createRoute({
  method: "get",
  path: "/v1/rounds/{number}",
  tags: ["rounds"],
  summary: "A round",
  request: { params: NumberParam },
  responses: {
    200: { description: "The round", content: json(RoundSchema) },
    ...errorResponses(400, 404),
  },
});

export const live = createRoute({
  method: "get",
  path: "/v1/rounds/{number}/live",
  tags: ["rounds"],
  summary: "The round's live file (CSV); its SHA-256 is in the X-Content-SHA256 header",
  request: { params: NumberParam },
  responses: {
    200: { description: "CSV", content: { "text/csv": { schema: z.string() } } },
    ...errorResponses(404),
  },
});

export const close = createRoute({
  method: "post",
  path: "/v1/rounds/{number}/close",
  tags: ["rounds"],
  summary: "Close a round now (operator)",
  security: [{ bearer: [] }],
  request: { params: NumberParam },
  responses: {
    200: { description: "Closed", content: json(RoundSchema) },
    ...errorResponses(401, 403, 404, 409),
  },
});

export const resolve = createRoute({
  method: "post",
  path: "/v1/rounds/{number}/resolve",
  tags: ["rounds"],
  summary: "Publish a closed round's targets; scoring and settlement follow (operator)",
  security: [{ bearer: [] }],
  request: {
    params: NumberParam,
    body: {
      content: {
        "multipart/form-data": {
          schema: z.object({ targets: z.any().openapi({ type: "string", format: "binary" }) }),
        },
      },
    },
  },
  responses: {
    202: {
      description: "Accepted: scoring queued",
      content: json(
        z.object({ number: z.number(), status: z.string(), targetsSha256: z.string() }),
      ),
    },
    ...errorResponses(401, 403, 404, 409, 413, 415, 422),
  },
});

async function mustGet(c: { get(k: "services"): { db: import("../../db").Db } }, n: number) {
  const round = await getRound(c.get("services").db, n);
  if (!round) throw new ApiError("not_found", `No round ${n}`);
  return round;
}

/**
 * The operator's FNC feature list (JSON array or comma-separated names), checked against the
 * live file's feature columns; undefined: every feature column.
 */
function parseFncFeatures(raw: string | undefined, live: readonly string[]): string[] | null {
  if (raw === undefined || raw.trim() === "") return null;
  let names: unknown;
  try {
    names = raw.trim().startsWith("[") ? JSON.parse(raw) : raw.split(",").map((s) => s.trim());
  } catch {
    throw new ApiError("validation_failed", "fncFeatures must be a JSON array of column names");
  }
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== "string")) {
    throw new ApiError("validation_failed", "fncFeatures must be a non-empty list of column names");
  }
  const known = new Set(live);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new ApiError(
      "validation_failed",
      "fncFeatures names columns the live file does not have",
      {
        unknown: unknown.slice(0, 20),
      },
    );
  }
  if (new Set(names).size !== names.length) {
    throw new ApiError("validation_failed", "fncFeatures lists a column twice");
  }
  return names as string[];
}

const UINT64_MAX_SECONDS = 2n ** 64n - 1n;
const UINT256_MAX = 2n ** 256n - 1n;
const WAD = 10n ** 18n;
/** The contract's ceilings (MAX_PAYOUT_CAP, MAX_MULTIPLIER, MAX_ROUND_LENGTH). */
const MAX_PAYOUT_CAP = WAD / 4n;
const MAX_MULTIPLIER = 100n * WAD;
const MAX_ROUND_LENGTH_MS = 120 * 24 * 3600 * 1000;

/**
 * A round's parameters, checked against what the chain and the database hold: both times in
 * the future, closesAt < resolvesAt and resolvesAt within 120 days (the contract's
 * MAX_ROUND_LENGTH), amounts within uint256 once in wei, payoutCap within the contract's
 * ceiling of 0.25, multipliers at most 100, and the delay in seconds within the integer column.
 */
function roundParams(f: z.infer<typeof OpenFormFields>, now: Date) {
  const closesAt = new Date(f.closesAt);
  const resolvesAt = new Date(f.resolvesAt);
  const issues: { path: string[]; message: string }[] = [];
  const bad = (path: string, message: string) => issues.push({ path: [path], message });
  for (const [name, at] of [
    ["closesAt", closesAt],
    ["resolvesAt", resolvesAt],
  ] as const) {
    if (!(at.getTime() > now.getTime())) bad(name, `${name} must be in the future`);
    else if (BigInt(Math.floor(at.getTime() / 1000)) > UINT64_MAX_SECONDS)
      bad(name, `${name} is too far in the future`);
  }
  if (!(closesAt < resolvesAt)) bad("resolvesAt", "closesAt must be before resolvesAt");
  else if (resolvesAt.getTime() > now.getTime() + MAX_ROUND_LENGTH_MS)
    bad("resolvesAt", "resolvesAt must be within 120 days (the contract's MAX_ROUND_LENGTH)");
  const wad = (name: string, v: string | undefined, fallback: bigint, max = UINT256_MAX) => {
    const out = v === undefined ? fallback : parseUnits(v, 18);
    if (out > max)
      bad(
        name,
        max === UINT256_MAX
          ? `${name} is too large for uint256`
          : `${name} must be at most ${formatUnits(max, 18)} (the contract's ceiling)`,
      );
    return out.toString();
  };
  const payoutCap = wad("payoutCap", f.payoutCap, 5n * 10n ** 16n, MAX_PAYOUT_CAP);
  const corrMultiplier = wad("corrMultiplier", f.corrMultiplier, 5n * 10n ** 17n, MAX_MULTIPLIER);
  const mmcMultiplier = wad("mmcMultiplier", f.mmcMultiplier, 2n * WAD, MAX_MULTIPLIER);
  const stakeThreshold = wad("stakeThreshold", f.stakeThreshold, 72_000n * WAD);
  let predictionsDelaySeconds: number | null = null;
  if (f.predictionsDelayHours !== "never") {
    predictionsDelaySeconds = Math.round(Number(f.predictionsDelayHours ?? 0) * 3600);
    if (!(predictionsDelaySeconds <= INT4_MAX))
      bad(
        "predictionsDelayHours",
        `predictionsDelayHours must be at most ${Math.floor(INT4_MAX / 3600)}`,
      );
  }
  if (issues.length > 0) throw invalidFields(issues);
  return {
    closesAt,
    resolvesAt,
    payoutCap,
    corrMultiplier,
    mmcMultiplier,
    stakeThreshold,
    predictionsDelaySeconds,
  };
}

export function register(app: App) {
  app.openapi(
    open,
    async (c) => {
      requireAuth(c, "operator");
      const { bytes, form } = await readFormFile(c, "live");
      const parsed = OpenFormFields.safeParse(form);
      if (!parsed.success) throw invalidFields(parsed.error.issues);
      const { now, offload } = c.get("services");
      const params = roundParams(parsed.data, now?.() ?? new Date());
      // Parquet conversion, validation and hashing of a large file run off the event loop.
      const { csv, sha256, live } = offload
        ? await offload.live(bytes)
        : await prepareLiveUpload(bytes);
      const fncFeatures = parseFncFeatures(parsed.data.fncFeatures, live.features);
      const round = await createRound(c.get("services").db, {
        liveCsv: utf8(csv),
        liveSha256: sha256,
        ...params,
        fncFeatures: fncFeatures && JSON.stringify(fncFeatures),
      });
      return c.json(
        { number: round.number, status: round.status, liveSha256: round.liveSha256 },
        201,
      );
    },
    formHook,
  );

  app.openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const rows = await listRounds(c.get("services").db, { before: cursor, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? String(page[page.length - 1]!.number) : null;
    return c.json({ rounds: page.map(roundJson), nextCursor }, 200);
  });

  app.openapi(current, async (c) => {
    const round = await currentRound(c.get("services").db);
    if (!round) throw new ApiError("not_found", "No round is open");
    return c.json(roundJson(round), 200);
  });

  app.openapi(get, async (c) =>
    c.json(roundJson(await mustGet(c, c.req.valid("param").number)), 200),
  );

  app.openapi(live, async (c) => {
    const round = await mustGet(c, c.req.valid("param").number);
    return c.body(round.liveCsv, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "X-Content-SHA256": round.liveSha256,
      "Content-Disposition": `attachment; filename="round-${round.number}-live.csv"`,
    });
  });

  app.openapi(close, async (c) => {
    requireAuth(c, "operator");
    const n = c.req.valid("param").number;
    const db = c.get("services").db;
    await mustGet(c, n);
    const now = new Date();
    // Rounds close in opening order on chain (R3): an earlier round still open closes first.
    const earlier = await openRoundBefore(db, n);
    if (earlier !== undefined)
      throw new ApiError(
        "round_state",
        `Round ${earlier} was opened before round ${n} and is still open: rounds close in opening order`,
      );
    if (!(await transitionRound(db, n, "open", "closed", { closedAt: now }))) {
      throw new ApiError("round_state", `Round ${n} is not open`);
    }
    await rescheduleJob(db, `round.close:${n}`, now);
    return c.json(roundJson(await mustGet(c, n)), 200);
  });

  app.openapi(
    resolve,
    async (c) => {
      requireAuth(c, "operator");
      const n = c.req.valid("param").number;
      const db = c.get("services").db;
      const round = await mustGet(c, n);
      if (round.status !== "closed")
        throw new ApiError("round_state", `Round ${n} is ${round.status}, not closed`);
      // The targets are stored, served and hashed without a BOM: the hash is the served file's.
      const bytes = withoutBom((await readFormFile(c, "targets")).bytes);
      parseTargets(bytes, liveIdSet(round));
      const targetsSha256 = sha256Hex(bytes);
      const ok = await db.transaction(async (tx) => {
        const t = tx as unknown as typeof db;
        const moved = await transitionRound(t, n, "closed", "resolved", {
          targetsCsv: utf8(bytes),
          targetsSha256,
          resolvedAt: new Date(),
        });
        if (moved) await enqueueJob(t, "round.score", { round: n }, { key: `round.score:${n}` });
        return moved;
      });
      if (!ok) throw new ApiError("round_state", `Round ${n} is no longer closed`);
      return c.json({ number: n, status: "resolved", targetsSha256 }, 202);
    },
    formHook,
  );
}
