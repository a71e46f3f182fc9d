import { createRoute, z } from "@hono/zod-openapi";
import { diagnoseUpload } from "../domain/diagnostics";
import { errorResponses } from "../errors";
import type { App } from "../hono-app";
import { readBody } from "../http/body";
import { requireOwnedModel } from "../middleware/auth";
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

const Binary = { type: "string" as const, format: "binary" };

export const route = createRoute({
  method: "post",
  path: "/v1/models/{id}/diagnostics",
  tags: ["models"],
  summary: "Validation diagnostics of a model: per-era CORR, mean, std, sharpe, max drawdown",
  description:
    "Body: CSV (or Parquet) with columns `id,era,prediction,target`. The operator's validation " +
    "set is not stored by the API yet, so the caller sends validation rows with their targets; " +
    "nothing is stored. Metrics as SCORING.md (each era scored on its own). Failures of the " +
    "scorer (constant predictions in an era, too few eras...) are 422 `invalid_diagnostics` " +
    "with the scorer's code in `details.scoringCode`.",
  security: [{ bearer: [] }],
  request: {
    params: z.object({ id: ModelId }),
    body: {
      content: {
        "text/csv": { schema: z.string() },
        "application/vnd.apache.parquet": { schema: Binary },
      },
    },
  },
  responses: {
    200: { description: "Diagnostics", content: { "application/json": { schema: Diagnostics } } },
    ...errorResponses(400, 401, 403, 404, 413, 422, 429, 503),
  },
});

export function register(app: App) {
  app.openapi(route, async (c) => {
    const { model } = await requireOwnedModel(c, c.req.valid("param").id, "submit");
    const bytes = await readBody(c);
    // On the Node server this runs on a worker thread; elsewhere (Workers, tests) inline.
    const { offload } = c.get("services");
    const d = offload ? await offload.diagnostics(bytes) : await diagnoseUpload(bytes);
    return c.json({ modelId: model.id, ...d }, 200);
  });
}
