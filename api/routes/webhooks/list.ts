import { createRoute } from "@hono/zod-openapi";
import { listWebhooks } from "../../domain/webhooks";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import type { OkResponseOf, ParamsOf } from "../types";
import { json, WebhookList } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/webhooks",
  tags: ["webhooks"],
  summary: "The calling account's webhook endpoints (never their secrets)",
  security: [{ bearer: [] }],
  responses: {
    200: { description: "Endpoints", content: json(WebhookList) },
    ...errorResponses(401, 403),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const auth = requireAuth(c, "read");
    return c.json(await listWebhooks(c.get("services").db, auth.account.id), 200);
  });
}
