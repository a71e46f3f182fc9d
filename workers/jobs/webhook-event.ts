import { queueDeliveries } from "../../db";
import type { JobContext } from "../context";

/**
 * Fans an emitted event out to the endpoints subscribed to it: one delivery each, with the
 * Standard Webhooks body `{type, timestamp, data}` fixed now so every retry sends the same bytes.
 */
export async function webhookEventJob(
  ctx: JobContext,
  payload: { type: string; data: Record<string, unknown>; eventId: string; timestamp: string },
) {
  const body = JSON.stringify({
    type: payload.type,
    timestamp: payload.timestamp,
    data: payload.data,
  });
  const queued = await queueDeliveries(ctx.db, { id: payload.eventId, type: payload.type, body });
  if (queued > 0)
    ctx.logger.info("webhook event queued", { type: payload.type, endpoints: queued });
}
