import type { PendingQuery, Row, Sql } from "postgres";
import { inTransaction } from "@/lib/db/client";
import type { WebhookEventType } from "@/lib/db/schema";
import { logger } from "@/lib/logger";
import { addDeliveryJobs } from "@/lib/jobs/webhook-queue";

type Fragment = PendingQuery<Row[]>;

/** The body every endpoint receives: { type, timestamp, data } (Standard Webhooks' shape). */
export const webhookBody = (type: WebhookEventType, data: unknown, at = new Date()) => ({ type, timestamp: at.toISOString(), data });

/** A timestamptz as JavaScript's toISOString() writes it ("2026-11-26T15:00:00.000Z"), in SQL. */
export const isoTimestampSql = (sql: Sql, value: Fragment) => sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** webhookBody() in SQL, for events recorded by the statement that causes them. */
export const webhookBodySql = (sql: Sql, type: WebhookEventType, data: Fragment) =>
  sql`jsonb_build_object('type', ${type}::text, 'timestamp', ${isoTimestampSql(sql, sql`now()`)}, 'data', ${data})`;

/**
 * The values of one pending delivery to endpoint `e` (webhook_endpoints, filtered with
 * subscribedSql): endpoint, type, a fresh message id, the body. Every statement that records
 * events selects these, so deliveries look the same whoever records them.
 */
export const deliveryValuesSql = (sql: Sql, type: WebhookEventType, body: Fragment) =>
  sql`e.id, ${type}::text, 'msg_' || replace(gen_random_uuid()::text, '-', ''), ${body}`;

/** Endpoint `e` is enabled and subscribed to `type`. */
export const subscribedSql = (sql: Sql, type: WebhookEventType) => sql`e.enabled and ${type}::text = any(e.event_types)`;

/**
 * Records an event as one pending delivery per enabled endpoint subscribed to its type. Pass a
 * transaction to make the record part of the change it reports; schedule the ids after commit.
 */
export async function recordWebhookEvent(sql: Sql, type: WebhookEventType, data: unknown): Promise<number[]> {
  const rows = await sql<{ id: string }[]>`
    insert into webhook_deliveries (endpoint_id, event_type, message_id, payload)
    select ${deliveryValuesSql(sql, type, sql`${JSON.stringify(webhookBody(type, data))}::jsonb`)}
    from webhook_endpoints e where ${subscribedSql(sql, type)}
    returning id`;
  return rows.map((r) => Number(r.id));
}

/**
 * Runs `work` in one transaction and queues the deliveries it records (pushed into `events`)
 * once that transaction has committed: an event is never sent for a change that rolled back,
 * and a change never commits without its events.
 */
export async function withWebhookEvents<T>(work: (tx: Sql, events: number[]) => Promise<T>): Promise<T> {
  const events: number[] = [];
  const result = await inTransaction((tx) => work(tx, events));
  await scheduleDeliveries(events);
  return result;
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
