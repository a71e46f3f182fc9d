import { createRoute, z } from "@hono/zod-openapi";
import { currentRound, listRounds, type Round } from "../../db";
import { closeRound, mustGetRound, openRound, resolveRound } from "../domain/rounds";
import { DomainError } from "../errors";
import type { App } from "../hono-app";
import { readFormFile } from "../http/body";
import { errorResponses } from "../http/errors";
import { requireAuth } from "../middleware/auth";
import { formHook, invalidFields } from "./forms";
import { positiveInt, RoundParam } from "./pages";

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

export function register(app: App) {
  app.openapi(
    open,
    async (c) => {
      requireAuth(c, "operator");
      const { bytes, form } = await readFormFile(c, "live");
      const parsed = OpenFormFields.safeParse(form);
      if (!parsed.success) throw invalidFields(parsed.error.issues);
      const round = await openRound(c.get("services"), { live: bytes, fields: parsed.data });
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
    if (!round) throw new DomainError("not_found", "No round is open");
    return c.json(roundJson(round), 200);
  });

  app.openapi(get, async (c) =>
    c.json(roundJson(await mustGetRound(c.get("services"), c.req.valid("param").number)), 200),
  );

  app.openapi(live, async (c) => {
    const round = await mustGetRound(c.get("services"), c.req.valid("param").number);
    return c.body(round.liveCsv, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "X-Content-SHA256": round.liveSha256,
      "Content-Disposition": `attachment; filename="round-${round.number}-live.csv"`,
    });
  });

  app.openapi(close, async (c) => {
    requireAuth(c, "operator");
    const round = await closeRound(c.get("services"), { round: c.req.valid("param").number });
    return c.json(roundJson(round), 200);
  });

  app.openapi(
    resolve,
    async (c) => {
      requireAuth(c, "operator");
      const resolved = await resolveRound(c.get("services"), {
        round: c.req.valid("param").number,
        targets: async () => (await readFormFile(c, "targets")).bytes,
      });
      return c.json(resolved, 202);
    },
    formHook,
  );
}
