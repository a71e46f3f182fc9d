import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { timestamps } from "./columns";

export type WebhookStatus = "active" | "disabled";
export type DeliveryStatus = "pending" | "delivered" | "failed";

/** An account's webhook endpoint: where round events are posted, signed with its secret. */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    url: text("url").notNull(),
    events: jsonb("events").$type<string[]>().notNull(),
    /** `whsec_` + base64 key (Standard Webhooks); shown once at creation. */
    secret: text("secret").notNull(),
    status: text("status").$type<WebhookStatus>().notNull().default("active"),
    /** Deliveries that failed for good in a row; reset by any success. */
    failedDeliveries: integer("failed_deliveries").notNull().default(0),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /** Set when the account deletes it: no more deliveries, the log stays readable by nobody. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index("webhook_endpoints_account_idx").on(t.accountId)],
);

/** One attempt to deliver a message: when, what came back. */
export interface DeliveryAttempt {
  at: string;
  /** HTTP status, or null when no response came (timeout, refused, blocked address). */
  status: number | null;
  error: string | null;
  ms: number;
}

/** One message to one endpoint; `id` is the `webhook-id` header, the same on every retry. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id),
    type: text("type").notNull(),
    /** The event this delivers (one delivery per endpoint and event, however often it is emitted). */
    eventId: text("event_id").notNull(),
    /** The JSON body exactly as signed and sent. */
    body: text("body").notNull(),
    status: text("status").$type<DeliveryStatus>().notNull().default("pending"),
    attempts: jsonb("attempts").$type<DeliveryAttempt[]>().notNull().default([]),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.id),
    uniqueIndex("webhook_deliveries_event_idx").on(t.endpointId, t.eventId),
  ],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
