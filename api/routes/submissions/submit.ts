import { createRoute, z } from "@hono/zod-openapi";
import { submitPredictions } from "../../domain/submit";
import type { App } from "../../hono-app";
import { readBody } from "../../http/body";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import { ModelId } from "../models";
import { positiveInt } from "../pages";
import type { ParamsOf, ResponseOf } from "../types";

const Created = z
  .object({
    id: z.string(),
    round: z.number(),
    sha256: z.string().openapi({ description: "SHA-256 of the canonical content" }),
    selected: z.boolean(),
    late: z.boolean(),
    extraIds: z.number().openapi({ description: "rows whose id is not in the round (ignored)" }),
    format: z.enum(["csv", "parquet", "json"]).openapi({ description: "how the upload was read" }),
  })
  .openapi("CreatedSubmission");

/**
 * JSON predictions, documented as a plain schema (not zod) so no JSON validator runs: the body is
 * read by the same code as CSV and Parquet, which reports rows the way the other formats do.
 */
const RowsForm = {
  type: "object" as const,
  required: ["predictions"],
  properties: {
    predictions: {
      type: "array" as const,
      items: {
        type: "object" as const,
        required: ["id", "prediction"],
        properties: { id: { type: "string" as const }, prediction: { type: "number" as const } },
      },
    },
  },
};
const ColumnsForm = {
  type: "object" as const,
  required: ["ids", "predictions"],
  properties: {
    ids: { type: "array" as const, items: { type: "string" as const } },
    predictions: { type: "array" as const, items: { type: "number" as const } },
  },
};
const JsonPredictions = { oneOf: [RowsForm, ColumnsForm] };
const Binary = { type: "string" as const, format: "binary" };

export const route = createRoute({
  method: "post",
  path: "/v1/models/{id}/submissions",
  tags: ["submissions"],
  summary: "Submit predictions for the open round (CSV, Parquet or JSON)",
  description:
    "CSV `id,prediction` (or `probability`), Parquet with the same columns " +
    "(`application/vnd.apache.parquet`, or `application/octet-stream` starting with `PAR1`), or " +
    "JSON. Every format goes through the same validation and canonicalisation: the same numbers " +
    "give the same canonical CSV and SHA-256. `?round=` targets a given round (late if not open).",
  security: [{ bearer: [] }],
  request: {
    params: z.object({ id: ModelId }),
    query: z.object({ round: positiveInt().optional() }),
    body: {
      content: {
        "text/csv": { schema: z.string() },
        "application/json": { schema: JsonPredictions },
        "application/vnd.apache.parquet": { schema: Binary },
        "application/octet-stream": { schema: Binary },
      },
    },
  },
  responses: {
    201: { description: "Stored", content: { "application/json": { schema: Created } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = ResponseOf<typeof route, 201>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const auth = requireAuth(c, "submit"); // before any database work
    const created = await submitPredictions(c.get("services"), {
      accountId: auth.account.id,
      modelId: c.req.valid("param").id,
      round: c.req.valid("query").round,
      contentType: c.req.header("content-type"),
      predictions: () => readBody(c),
    });
    return c.json(created, 201);
  });
}
