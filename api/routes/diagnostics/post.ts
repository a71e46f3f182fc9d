import { createRoute, z } from "@hono/zod-openapi";
import { requestDiagnostics } from "../../domain/diagnose";
import type { App } from "../../hono-app";
import { readBody } from "../../http/body";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import { ModelId } from "../models";
import type { OkResponseOf, ParamsOf } from "../types";
import { Binary, Diagnostics, DiagnosticsQueued } from "./schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/models/{id}/diagnostics",
  tags: ["models"],
  summary: "Validation diagnostics of a model: per-era CORR, MMC, FNC, exposure, summaries",
  description:
    "Two forms, told apart by the columns. **Against the operator's validation set** (columns " +
    "`id,prediction` only; CSV, Parquet or JSON as submissions): the predictions are checked " +
    "against the current validation set (`POST /v1/validation`) and stored, a worker job " +
    "scores every era (CORR, MMC against the validation meta model when the set has one, FNC " +
    "and max feature exposure against its features), and the answer is 202 with the id to poll " +
    "at `GET /v1/models/{id}/diagnostics/{did}`. Errors: 409 `no_validation_set`; 422 " +
    "`diagnostics_duplicate_ids`, `diagnostics_unknown_ids`, `diagnostics_missing_ids` (each " +
    "with the first few ids and `count`), `invalid_diagnostics` (a value that is not a finite " +
    "number, all values equal). **Stateless** (columns `id,era,prediction,target`, CSV or " +
    "Parquet): the caller's own validation rows are scored at once with per-era CORR and " +
    "answered 200; nothing is stored. Failures of the scorer (constant predictions in an era, " +
    "too few eras...) are 422 `invalid_diagnostics` with the scorer's code in " +
    "`details.scoringCode`.",
  security: [{ bearer: [] }],
  request: {
    params: z.object({ id: ModelId }),
    body: {
      content: {
        "text/csv": { schema: z.string() },
        "application/vnd.apache.parquet": { schema: Binary },
        "application/json": {
          schema: {
            type: "object" as const,
            required: ["ids", "predictions"],
            properties: {
              ids: { type: "array" as const, items: { type: "string" as const } },
              predictions: { type: "array" as const, items: { type: "number" as const } },
            },
          },
        },
      },
    },
  },
  responses: {
    200: {
      description: "Stateless diagnostics (era and target columns sent)",
      content: { "application/json": { schema: Diagnostics } },
    },
    202: {
      description: "Queued against the validation set; poll the id",
      content: { "application/json": { schema: DiagnosticsQueued } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 413, 422, 429, 503),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const auth = requireAuth(c, "submit");
    // On the Node server the stateless form is scored on a worker thread; elsewhere inline.
    const answer = await requestDiagnostics(c.get("services"), {
      accountId: auth.account.id,
      modelId: c.req.valid("param").id,
      contentType: c.req.header("content-type"),
      predictions: () => readBody(c),
    });
    if (answer.kind === "stored") {
      const { queued } = answer;
      c.header("location", `/v1/models/${queued.modelId}/diagnostics/${queued.id}`);
      return c.json(queued, 202);
    }
    return c.json({ modelId: answer.modelId, ...answer.result }, 200);
  });
}
