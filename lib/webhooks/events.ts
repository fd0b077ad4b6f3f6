import type { Sql } from "postgres";
import type { WebhookEventType } from "@/lib/db/schema";
import { logger } from "@/lib/logger";
import { addDeliveryJobs } from "@/lib/jobs/webhook-queue";

/** The body every endpoint receives: { type, timestamp, data } (Standard Webhooks' shape). */
export const webhookBody = (type: WebhookEventType, data: unknown, at = new Date()) => ({ type, timestamp: at.toISOString(), data });

/**
 * Records an event as one pending delivery per enabled endpoint subscribed to its type. Pass a
 * transaction to make the record part of the change it reports; schedule the ids after commit.
 */
export async function recordWebhookEvent(sql: Sql, type: WebhookEventType, data: unknown): Promise<number[]> {
  const rows = await sql<{ id: string }[]>`
    insert into webhook_deliveries (endpoint_id, event_type, message_id, payload)
    select e.id, ${type}::text, 'msg_' || replace(gen_random_uuid()::text, '-', ''), ${JSON.stringify(webhookBody(type, data))}::jsonb
    from webhook_endpoints e where e.enabled and ${type}::text = any(e.event_types)
    returning id`;
  return rows.map((r) => Number(r.id));
}

/** Hands deliveries to the queue. A failure here is not lost: the worker's sweep picks up pending ones. */
export async function scheduleDeliveries(ids: number[]) {
  if (ids.length === 0) return;
  try {
    await addDeliveryJobs(ids);
  } catch (error) {
    logger.warn({ err: error, deliveries: ids.length }, "could not queue webhook deliveries now; the sweep will");
  }
}
