import { createRoute, z } from "@hono/zod-openapi";
import { requestDiagnostics } from "../domain/diagnose";
import { storedDiagnosticsView } from "../domain/validation-diagnostics";
import type { App } from "../hono-app";
import { readBody } from "../http/body";
import { errorResponses } from "../http/errors";
import { requireAuth, requireOwnedModel } from "../middleware/auth";
import { ModelId } from "./models";

const Diagnostics = z
  .object({
    modelId: z.string(),
    eras: z.number().int(),
    rows: z.number().int(),
    perEra: z.record(z.string(), z.number()).openapi({ description: "CORR of each era" }),
    mean: z.number(),
    std: z.number().openapi({ description: "population (ddof 0)" }),
    sharpe: z.number(),
    maxDrawdown: z.number(),
  })
  .openapi("Diagnostics");

const DiagnosticsQueued = z
  .object({
    id: z.string().openapi({ description: "the diagnostics id (dgn_...) to poll" }),
    modelId: z.string(),
    validationSetId: z.string(),
    status: z.enum(["queued", "running", "done", "failed"]),
    createdAt: z.string(),
  })
  .openapi("DiagnosticsQueued");

const Summary = z
  .object({
    mean: z.number(),
    std: z.number().openapi({ description: "population (ddof 0)" }),
    sharpe: z.number().nullable().openapi({ description: "mean / std; null when std is 0" }),
    maxDrawdown: z.number(),
  })
  .openapi("DiagnosticsSummary");

const EraScores = z
  .object({
    era: z.string(),
    rows: z.number().int(),
    corr: z.number(),
    mmc: z.number().optional().openapi({ description: "with a validation meta model" }),
    fnc: z.number().optional().openapi({ description: "with features (absent when undefined)" }),
    maxFeatureExposure: z.number().optional(),
    maxFeature: z.string().optional(),
  })
  .openapi("DiagnosticsEra");

const Report = z
  .object({
    eras: z.number().int(),
    rows: z.number().int(),
    perEra: z.array(EraScores).openapi({ description: "every era's scores, in era order" }),
    corr: Summary,
    mmc: Summary.optional(),
    fnc: Summary.optional(),
    featureExposure: z
      .object({ mean: z.number(), max: z.number() })
      .optional()
      .openapi({ description: "mean and largest per-era max feature exposure" }),
  })
  .openapi("DiagnosticsReport");

const StoredDiagnostics = z
  .object({
    id: z.string(),
    modelId: z.string(),
    validationSetId: z.string(),
    status: z.enum(["queued", "running", "done", "failed"]),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    result: Report.nullable().openapi({ description: "when done" }),
    error: z
      .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
      .nullable()
      .openapi({
        description:
          "when failed: `invalid_diagnostics` (the scorer's code in `details.scoringCode`, e.g. " +
          "constant predictions in an era), `validation_set_failed`, or `job_failed`",
      }),
  })
  .openapi("StoredDiagnostics");

const Binary = { type: "string" as const, format: "binary" };
const DiagnosticsId = z.string().regex(/^dgn_[0-9a-f]{32}$/, "a diagnostics id (dgn_...)");

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

export const getRoute = createRoute({
  method: "get",
  path: "/v1/models/{id}/diagnostics/{did}",
  tags: ["models"],
  summary: "Stored diagnostics: status (queued, running, done, failed) and the report when done",
  description: "Only the model's owner may read its diagnostics (`read` scope).",
  security: [{ bearer: [] }],
  request: { params: z.object({ id: ModelId, did: DiagnosticsId }) },
  responses: {
    200: {
      description: "Diagnostics",
      content: { "application/json": { schema: StoredDiagnostics } },
    },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

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

  app.openapi(getRoute, async (c) => {
    const { id, did } = c.req.valid("param");
    const { model } = await requireOwnedModel(c, id, "read");
    const view = await storedDiagnosticsView(c.get("services").db, model.id, did);
    return c.json(view as z.infer<typeof StoredDiagnostics>, 200);
  });
}
