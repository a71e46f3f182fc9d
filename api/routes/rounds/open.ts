import { createRoute, z } from "@hono/zod-openapi";
import { openRound } from "../../domain/rounds";
import { invalidFields } from "../../errors";
import type { App } from "../../hono-app";
import { readFormFile } from "../../http/body";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import { openapiForm } from "../forms";
import { json, type ResponseOf } from "../types";

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

export const route = createRoute({
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

export type Response = ResponseOf<typeof route, 201>;

export function register(app: App) {
  openapiForm(app, route, async (c) => {
    requireAuth(c, "operator");
    const { bytes, form } = await readFormFile(c, "live");
    const parsed = OpenFormFields.safeParse(form);
    if (!parsed.success) throw invalidFields(parsed.error.issues);
    const round = await openRound(c.get("services"), { live: bytes, fields: parsed.data });
    return c.json(
      { number: round.number, status: round.status, liveSha256: round.liveSha256 },
      201,
    );
  });
}
