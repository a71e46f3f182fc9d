import { createRoute, z } from "@hono/zod-openapi";
import { storedDiagnosticsView } from "../../domain/validation-diagnostics";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireOwnedModel } from "../../middleware/auth";
import { ModelId } from "../models";
import type { OkResponseOf, ParamsOf } from "../types";
import { DiagnosticsId, StoredDiagnostics } from "./schemas";

export const route = createRoute({
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

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const { id, did } = c.req.valid("param");
    const { model } = await requireOwnedModel(c, id, "read");
    const view = await storedDiagnosticsView(c.get("services").db, model.id, did);
    return c.json(view as z.infer<typeof StoredDiagnostics>, 200);
  });
}
