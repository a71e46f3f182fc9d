import { createRoute, z } from "@hono/zod-openapi";
import {
  listWebhooks,
  registerWebhook,
  removeWebhook,
  WEBHOOK_EVENTS,
  webhookDeliveryLog,
} from "../domain/webhooks";
import type { App } from "../hono-app";
import { errorResponses } from "../http/errors";
import { requireAuth } from "../middleware/auth";
import { pageQuery } from "./pages";

const WebhookInput = z
  .object({
    url: z.string().min(1).max(2048).openapi({ example: "https://example.com/tourney" }),
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .min(1)
      .max(WEBHOOK_EVENTS.length)
      .refine((e) => new Set(e).size === e.length, "events must not repeat")
      .openapi({ example: ["round.opened"] }),
  })
  .openapi("NewWebhook");

const json = (schema: z.ZodType) => ({ "application/json": { schema } });

const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    status: z.enum(["active", "disabled"]),
    failedDeliveries: z
      .number()
      .openapi({ description: "deliveries that failed for good in a row (reset by a success)" }),
    disabledAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Webhook");

const Delivery = z
  .object({
    id: z.string().openapi({ description: "the webhook-id header, the same on every retry" }),
    type: z.enum(WEBHOOK_EVENTS),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.array(
      z.object({
        at: z.string(),
        status: z.number().nullable().openapi({ description: "HTTP status; null: no response" }),
        error: z.string().nullable(),
        ms: z.number(),
      }),
    ),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
    body: z.string().openapi({ description: "the JSON body as signed and sent" }),
  })
  .openapi("WebhookDelivery");

const IdParam = z.object({ id: z.string().min(1).max(100) });

export const create = createRoute({
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
      content: json(Webhook.extend({ secret: z.string() }).openapi("CreatedWebhook")),
    },
    ...errorResponses(400, 401, 403, 409, 422),
  },
});

export const list = createRoute({
  method: "get",
  path: "/v1/webhooks",
  tags: ["webhooks"],
  summary: "The calling account's webhook endpoints (never their secrets)",
  security: [{ bearer: [] }],
  responses: {
    200: { description: "Endpoints", content: json(z.object({ webhooks: z.array(Webhook) })) },
    ...errorResponses(401, 403),
  },
});

export const remove = createRoute({
  method: "delete",
  path: "/v1/webhooks/{id}",
  tags: ["webhooks"],
  summary: "Delete one of the calling account's webhook endpoints",
  security: [{ bearer: [] }],
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

export const deliveries = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  tags: ["webhooks"],
  summary: "An endpoint's delivery log, newest first, with every attempt (cursor pagination)",
  security: [{ bearer: [] }],
  request: { params: IdParam, query: pageQuery(50, 200) },
  responses: {
    200: {
      description: "Deliveries",
      content: json(
        z.object({
          webhookId: z.string(),
          deliveries: z.array(Delivery),
          nextCursor: z.string().nullable(),
        }),
      ),
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function register(app: App) {
  app.openapi(create, async (c) => {
    const auth = requireAuth(c, "submit");
    const created = await registerWebhook(c.get("services"), {
      ...c.req.valid("json"),
      accountId: auth.account.id,
    });
    return c.json(created, 201);
  });
  app.openapi(list, async (c) => {
    const auth = requireAuth(c, "read");
    return c.json(await listWebhooks(c.get("services").db, auth.account.id), 200);
  });
  app.openapi(remove, async (c) => {
    const auth = requireAuth(c, "submit");
    await removeWebhook(c.get("services").db, auth.account.id, c.req.valid("param").id);
    return c.body(null, 204);
  });
  app.openapi(deliveries, async (c) => {
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
