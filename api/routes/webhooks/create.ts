import { createRoute } from "@hono/zod-openapi";
import { registerWebhook } from "../../domain/webhooks";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import type { OkResponseOf, ParamsOf } from "../types";
import { CreatedWebhook, json, WebhookInput } from "./schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/webhooks",
  tags: ["webhooks"],
  summary: "Register a webhook endpoint for round events (Standard Webhooks signatures)",
  description:
    "The answer carries the endpoint's secret (`whsec_…`), shown only here. Only http(s) URLs; " +
    "private and loopback addresses are refused unless the server sets WEBHOOK_ALLOW_PRIVATE.",
  security: [{ bearer: [] }],
  request: { body: { content: { "application/json": { schema: WebhookInput } }, required: true } },
  responses: {
    201: {
      description: "Registered",
      content: json(CreatedWebhook),
    },
    ...errorResponses(400, 401, 403, 409, 422),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const auth = requireAuth(c, "submit");
    const created = await registerWebhook(c.get("services"), {
      ...c.req.valid("json"),
      accountId: auth.account.id,
    });
    return c.json(created, 201);
  });
}
