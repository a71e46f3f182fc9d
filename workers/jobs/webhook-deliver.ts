import { deliveryWithEndpoint, dropDelivery, recordAttempt } from "../../db";
import { type JobContext, webhookSettings } from "../context";
import { resolvePublic } from "../webhooks/address";
import { postJson } from "../webhooks/send";
import { signatureHeaders } from "../webhooks/sign";

/**
 * One attempt at delivering a message: signed afresh (new `webhook-timestamp`, same
 * `webhook-id`), posted with a timeout, and recorded in the delivery log. A failure queues the
 * next attempt after the retry schedule's wait; the last failure counts against the endpoint.
 * The job itself always completes: the retries are their own jobs, keyed by attempt.
 */
export async function webhookDeliverJob(
  ctx: JobContext,
  payload: { deliveryId: string; attempt: number },
) {
  const found = await deliveryWithEndpoint(ctx.db, payload.deliveryId);
  if (found?.delivery.status !== "pending") return;
  const { delivery, endpoint } = found;
  if (endpoint.deletedAt || endpoint.status !== "active") {
    await dropDelivery(
      ctx.db,
      delivery.id,
      `endpoint ${endpoint.deletedAt ? "deleted" : "disabled"}`,
    );
    return;
  }
  const settings = webhookSettings(ctx);
  const at = new Date();
  const refused = await resolvePublic(new URL(endpoint.url).hostname, settings.allowPrivate);
  const result = refused
    ? { status: null, error: refused.message, ms: 0 }
    : await postJson(
        endpoint.url,
        delivery.body,
        signatureHeaders(
          endpoint.secret,
          delivery.id,
          Math.floor(at.getTime() / 1000),
          delivery.body,
        ),
        { timeoutMs: settings.timeoutMs, allowPrivate: settings.allowPrivate },
      );
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const wait = settings.retryScheduleMs[payload.attempt - 1];
  const next = ok
    ? ({ kind: "delivered" } as const)
    : wait !== undefined
      ? ({ kind: "retry", at: new Date(Date.now() + wait) } as const)
      : ({ kind: "failed" } as const);
  const { disabled } = await recordAttempt(
    ctx.db,
    { id: delivery.id, endpointId: endpoint.id, attempt: payload.attempt },
    { at: at.toISOString(), ...result },
    next,
    settings.disableAfter,
  );
  const fields = { delivery: delivery.id, endpoint: endpoint.id, attempt: payload.attempt };
  if (ok) ctx.logger.info("webhook delivered", { ...fields, ms: result.ms });
  else ctx.logger.warn("webhook attempt failed", { ...fields, err: result.error, next: next.kind });
  if (disabled) ctx.logger.warn("webhook endpoint disabled", { endpoint: endpoint.id });
}
