import {
  accountWebhook,
  accountWebhooks,
  createWebhook,
  type Db,
  deleteWebhook,
  MAX_WEBHOOKS_PER_ACCOUNT,
  type WebhookDelivery,
  type WebhookEndpoint,
  webhookDeliveriesPage,
} from "../../db";
import { checkWebhookUrl, resolvePublic } from "../../workers/webhooks/address";
import { newWebhookSecret } from "../../workers/webhooks/sign";
import { DomainError } from "../errors";
import type { DomainServices } from "./services";

/** The events an endpoint can subscribe to. */
export const WEBHOOK_EVENTS = [
  "round.opened",
  "round.closed",
  "round.scored",
  "round.settled",
  "round.cancelled",
  "round.daily_scored",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A new endpoint, as the route parsed it. */
export interface WebhookInput {
  url: string;
  events: WebhookEvent[];
}

export const webhookJson = (w: WebhookEndpoint) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  status: w.status,
  failedDeliveries: w.failedDeliveries,
  disabledAt: w.disabledAt?.toISOString() ?? null,
  createdAt: w.createdAt.toISOString(),
});

export const deliveryJson = (d: WebhookDelivery) => ({
  id: d.id,
  type: d.type,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
  body: d.body,
});

/**
 * Registers an endpoint for the account: http(s) only, and (unless private targets are allowed)
 * a host that neither is nor resolves to a private or loopback address. The secret is returned
 * here only.
 */
export async function registerWebhook(
  s: Pick<DomainServices, "db" | "config">,
  input: WebhookInput & { accountId: string },
) {
  const { db } = s;
  const { accountId } = input;
  const opts = { allowPrivate: s.config.WEBHOOK_ALLOW_PRIVATE };
  const refused =
    checkWebhookUrl(input.url, opts.allowPrivate) ??
    (await resolvePublic(new URL(input.url).hostname, opts.allowPrivate));
  if (refused) {
    throw new DomainError("webhook_url_refused", refused.message, { reason: refused.code });
  }
  const secret = newWebhookSecret();
  const row = await createWebhook(db, {
    accountId,
    url: new URL(input.url).toString(),
    events: input.events,
    secret,
  });
  if (!row) {
    throw new DomainError(
      "conflict",
      `An account can have at most ${MAX_WEBHOOKS_PER_ACCOUNT} webhooks`,
    );
  }
  return { ...webhookJson(row), secret };
}

export async function listWebhooks(db: Db, accountId: string) {
  return { webhooks: (await accountWebhooks(db, accountId)).map(webhookJson) };
}

export async function removeWebhook(db: Db, accountId: string, id: string) {
  if (!(await deleteWebhook(db, accountId, id)))
    throw new DomainError("not_found", "No such webhook");
}

/** An endpoint's delivery log, newest first; 404 unless it is the account's. */
export async function webhookDeliveryLog(
  db: Db,
  accountId: string,
  id: string,
  page: { cursor?: string; limit: number },
) {
  const endpoint = await accountWebhook(db, accountId, id);
  if (!endpoint) throw new DomainError("not_found", "No such webhook");
  const rows = await webhookDeliveriesPage(db, endpoint.id, {
    cursor: page.cursor,
    limit: page.limit + 1,
  });
  return {
    webhookId: endpoint.id,
    deliveries: rows.slice(0, page.limit).map(deliveryJson),
    nextCursor: rows.length > page.limit ? rows[page.limit - 1]!.id : null,
  };
}
