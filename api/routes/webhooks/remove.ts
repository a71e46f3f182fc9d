import { createRoute } from "@hono/zod-openapi";
import { removeWebhook } from "../../domain/webhooks";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import type { OkResponseOf, ParamsOf } from "../types";
import { IdParam } from "./schemas";

export const route = createRoute({
  method: "delete",
  path: "/v1/webhooks/{id}",
  tags: ["webhooks"],
  summary: "Delete one of the calling account's webhook endpoints",
  security: [{ bearer: [] }],
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const auth = requireAuth(c, "submit");
    await removeWebhook(c.get("services").db, auth.account.id, c.req.valid("param").id);
    return c.body(null, 204);
  });
}
