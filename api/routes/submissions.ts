import { createRoute, z } from "@hono/zod-openapi";
import { getModel, modelSubmissionsPage, submissionMetaById } from "../../db";
import { submitPredictions } from "../domain/submit";
import { DomainError } from "../errors";
import type { App } from "../hono-app";
import { readBody } from "../http/body";
import { errorResponses } from "../http/errors";
import { requireAuth } from "../middleware/auth";
import { ModelId } from "./models";
import { nextCursor, pageQuery, positiveInt } from "./pages";

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

const SubmissionMeta = z
  .object({
    id: z.string(),
    modelId: z.string(),
    round: z.number(),
    sha256: z.string(),
    selected: z.boolean(),
    late: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("Submission");

const SubmissionId = z.string().regex(/^sub_[0-9a-f]{32}$/, "a submission id (sub_...)");

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

export const submit = createRoute({
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

export const list = createRoute({
  method: "get",
  path: "/v1/models/{id}/submissions",
  tags: ["submissions"],
  summary: "A model's submissions, newest first (cursor pagination)",
  request: { params: z.object({ id: ModelId }), query: pageQuery(100, 1000) },
  responses: {
    200: {
      description: "Submissions",
      content: {
        "application/json": {
          schema: z.object({
            submissions: z.array(SubmissionMeta),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    ...errorResponses(400, 404),
  },
});

export const get = createRoute({
  method: "get",
  path: "/v1/models/{id}/submissions/{sid}",
  tags: ["submissions"],
  summary: "One submission's metadata",
  request: { params: z.object({ id: ModelId, sid: SubmissionId }) },
  responses: {
    200: {
      description: "The submission",
      content: { "application/json": { schema: SubmissionMeta } },
    },
    ...errorResponses(400, 404),
  },
});

const metaJson = (s: {
  id: string;
  modelId: string;
  round: number;
  sha256: string;
  selected: boolean;
  late: boolean;
  createdAt: Date;
}) => ({
  id: s.id,
  modelId: s.modelId,
  round: s.round,
  sha256: s.sha256,
  selected: s.selected,
  late: s.late,
  createdAt: s.createdAt.toISOString(),
});

export function register(app: App) {
  app.openapi(submit, async (c) => {
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

  app.openapi(list, async (c) => {
    const db = c.get("services").db;
    const model = await getModel(db, c.req.valid("param").id);
    if (!model) throw new DomainError("not_found", "No such model");
    const { limit, cursor } = c.req.valid("query");
    const rows = await modelSubmissionsPage(db, model.id, { cursor, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return c.json(
      {
        submissions: page.map(metaJson),
        nextCursor: nextCursor(rows, limit, (s) => s.id),
      },
      200,
    );
  });

  app.openapi(get, async (c) => {
    const { id, sid } = c.req.valid("param");
    const sub = await submissionMetaById(c.get("services").db, id.toLowerCase(), sid);
    if (!sub) throw new DomainError("not_found", "No such submission of this model");
    return c.json(metaJson(sub), 200);
  });
}
