import { and, desc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { newId } from "../ids";
import {
  type DeliveryAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
  webhookDeliveries,
  webhookEndpoints,
} from "../schema";
import type { PageOptions } from "./api-reads";
import { enqueueJob } from "./jobs";

/** Endpoints an account may hold at once. */
export const MAX_WEBHOOKS_PER_ACCOUNT = 20;

/** Registers an endpoint; undefined when the account already has the maximum. */
export async function createWebhook(
  db: Db,
  input: { accountId: string; url: string; events: string[]; secret: string },
): Promise<WebhookEndpoint | undefined> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    // Serialise an account's registrations so the limit holds under concurrent requests.
    await t.execute(sql`select pg_advisory_xact_lock(hashtext(${`webhooks:${input.accountId}`}))`);
    const [{ n }] = (await t
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookEndpoints)
      .where(
        and(eq(webhookEndpoints.accountId, input.accountId), isNull(webhookEndpoints.deletedAt)),
      )) as [{ n: number }];
    if (n >= MAX_WEBHOOKS_PER_ACCOUNT) return undefined;
    const [row] = await t
      .insert(webhookEndpoints)
      .values({ id: newId("whk"), ...input })
      .returning();
    return row;
  });
}

/** An account's endpoints, newest first (deleted ones are gone). */
export async function accountWebhooks(db: Db, accountId: string): Promise<WebhookEndpoint[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.accountId, accountId), isNull(webhookEndpoints.deletedAt)))
    .orderBy(desc(webhookEndpoints.id));
}

/** One endpoint of an account (undefined for another account's or a deleted one). */
export async function accountWebhook(db: Db, accountId: string, id: string) {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.id, id),
        eq(webhookEndpoints.accountId, accountId),
        isNull(webhookEndpoints.deletedAt),
      ),
    );
  return row;
}

/** Deletes an account's endpoint: nothing more is sent to it. False if it was not theirs. */
export async function deleteWebhook(db: Db, accountId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(webhookEndpoints)
    .set({ deletedAt: new Date() })
    .where(
      and(
        eq(webhookEndpoints.id, id),
        eq(webhookEndpoints.accountId, accountId),
        isNull(webhookEndpoints.deletedAt),
      ),
    )
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/**
 * Queues an event for every active endpoint subscribed to its type, one delivery each with its
 * first attempt's job, in one transaction. Emitting the same event again adds nothing.
 */
export async function queueDeliveries(
  db: Db,
  event: { id: string; type: string; body: string },
): Promise<number> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const endpoints = await t
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.status, "active"),
          isNull(webhookEndpoints.deletedAt),
          sql`${webhookEndpoints.events} @> ${JSON.stringify([event.type])}::jsonb`,
        ),
      );
    let queued = 0;
    for (const e of endpoints) {
      const [row] = await t
        .insert(webhookDeliveries)
        .values({
          id: newId("msg"),
          endpointId: e.id,
          type: event.type,
          eventId: event.id,
          body: event.body,
          nextAttemptAt: new Date(),
        })
        .onConflictDoNothing()
        .returning({ id: webhookDeliveries.id });
      if (!row) continue;
      await enqueueJob(
        t,
        "webhook.deliver",
        { deliveryId: row.id, attempt: 1 },
        { key: `webhook.deliver:${row.id}:1`, maxAttempts: 1 },
      );
      queued++;
    }
    return queued;
  });
}

export async function deliveryWithEndpoint(db: Db, id: string) {
  const [row] = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, id));
  return row;
}

/**
 * Records one attempt and what follows: delivered, another attempt at `retryAt` (its job queued
 * in the same transaction), or failed for good, which counts against the endpoint and disables
 * it after `disableAfter` such failures in a row. Returns whether the endpoint got disabled.
 */
export async function recordAttempt(
  db: Db,
  d: { id: string; endpointId: string; attempt: number },
  attempt: DeliveryAttempt,
  next: { kind: "delivered" } | { kind: "retry"; at: Date } | { kind: "failed" },
  disableAfter: number,
): Promise<{ disabled: boolean }> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const append = sql`${webhookDeliveries.attempts} || ${JSON.stringify([attempt])}::jsonb`;
    if (next.kind === "delivered") {
      await t
        .update(webhookDeliveries)
        .set({
          attempts: append,
          status: "delivered",
          deliveredAt: new Date(),
          nextAttemptAt: null,
        })
        .where(eq(webhookDeliveries.id, d.id));
      await t
        .update(webhookEndpoints)
        .set({ failedDeliveries: 0 })
        .where(eq(webhookEndpoints.id, d.endpointId));
      return { disabled: false };
    }
    if (next.kind === "retry") {
      await t
        .update(webhookDeliveries)
        .set({ attempts: append, nextAttemptAt: next.at })
        .where(eq(webhookDeliveries.id, d.id));
      await enqueueJob(
        t,
        "webhook.deliver",
        { deliveryId: d.id, attempt: d.attempt + 1 },
        { key: `webhook.deliver:${d.id}:${d.attempt + 1}`, runAt: next.at, maxAttempts: 1 },
      );
      return { disabled: false };
    }
    await t
      .update(webhookDeliveries)
      .set({ attempts: append, status: "failed", nextAttemptAt: null })
      .where(eq(webhookDeliveries.id, d.id));
    const [ep] = await t
      .update(webhookEndpoints)
      .set({ failedDeliveries: sql`${webhookEndpoints.failedDeliveries} + 1` })
      .where(eq(webhookEndpoints.id, d.endpointId))
      .returning({ failed: webhookEndpoints.failedDeliveries, status: webhookEndpoints.status });
    if (ep && ep.status === "active" && ep.failed >= disableAfter) {
      await t
        .update(webhookEndpoints)
        .set({ status: "disabled", disabledAt: new Date() })
        .where(eq(webhookEndpoints.id, d.endpointId));
      return { disabled: true };
    }
    return { disabled: false };
  });
}

/** Marks a pending delivery failed without an attempt (its endpoint was disabled or deleted). */
export async function dropDelivery(db: Db, id: string, why: string): Promise<void> {
  const note: DeliveryAttempt = { at: new Date().toISOString(), status: null, error: why, ms: 0 };
  await db
    .update(webhookDeliveries)
    .set({
      status: "failed",
      nextAttemptAt: null,
      attempts: sql`${webhookDeliveries.attempts} || ${JSON.stringify([note])}::jsonb`,
    })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "pending")));
}

/** An endpoint's deliveries, newest first, before delivery id `cursor`. */
export async function webhookDeliveriesPage(
  db: Db,
  endpointId: string,
  page: PageOptions<string>,
): Promise<WebhookDelivery[]> {
  const where = page.cursor
    ? and(eq(webhookDeliveries.endpointId, endpointId), lt(webhookDeliveries.id, page.cursor))
    : eq(webhookDeliveries.endpointId, endpointId);
  return db
    .select()
    .from(webhookDeliveries)
    .where(where)
    .orderBy(desc(webhookDeliveries.id))
    .limit(page.limit);
}

/**
 * Emits a round event: queues one `webhook.event` job (keyed by `eventId`, so emitting twice is
 * one event) that fans out to the subscribed endpoints. Cheap enough to call inside the
 * transaction of the state change it announces; the sending happens elsewhere.
 */
export async function emitEvent(
  db: Db,
  type: string,
  data: Record<string, unknown>,
  eventId: string,
): Promise<void> {
  await enqueueJob(
    db,
    "webhook.event",
    { type, data, eventId, timestamp: new Date().toISOString() },
    { key: `webhook.event:${eventId}` },
  );
}
