import { z } from "@hono/zod-openapi";
import { WEBHOOK_EVENTS } from "../../domain/webhooks";
export const WebhookInput = z
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

/** Untyped JSON content: the stored event names and statuses are plain strings to the database. */
export const json = (schema: z.ZodType) => ({ "application/json": { schema } });

export const Webhook = z
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

export const Delivery = z
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

/** What POST /v1/webhooks answers: the endpoint and its secret, shown only then. */
export const CreatedWebhook = Webhook.extend({ secret: z.string() }).openapi("CreatedWebhook");

/** What GET /v1/webhooks answers. */
export const WebhookList = z.object({ webhooks: z.array(Webhook) });

/** What GET /v1/webhooks/:id/deliveries answers. */
export const DeliveryLog = z.object({
  webhookId: z.string(),
  deliveries: z.array(Delivery),
  nextCursor: z.string().nullable(),
});

export const IdParam = z.object({ id: z.string().min(1).max(100) });
