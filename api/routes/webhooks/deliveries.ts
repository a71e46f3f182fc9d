import { createRoute } from "@hono/zod-openapi";
import { webhookDeliveryLog } from "../../domain/webhooks";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import { pageQuery } from "../pages";
import type { OkResponseOf, ParamsOf } from "../types";
import { DeliveryLog, IdParam, json } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  tags: ["webhooks"],
  summary: "An endpoint's delivery log, newest first, with every attempt (cursor pagination)",
  security: [{ bearer: [] }],
  request: { params: IdParam, query: pageQuery(50, 200) },
  responses: {
    200: {
      description: "Deliveries",
      content: json(DeliveryLog),
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const auth = requireAuth(c, "read");
    const { limit, cursor } = c.req.valid("query");
    const log = await webhookDeliveryLog(
      c.get("services").db,
      auth.account.id,
      c.req.valid("param").id,
      { cursor, limit },
    );
    return c.json(log, 200);
  });
}
