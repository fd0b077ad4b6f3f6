import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const WEBHOOK_EVENT_TYPES = [
  "usage.threshold_reached",
  "usage.limit_exceeded",
  "invoice.drafted",
  "invoice.finalized",
  "invoice.paid",
  "invoice.voided",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Where the operator wants events delivered, signed with the endpoint's secret (Standard Webhooks). */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  url: text("url").notNull(),
  /** whsec_<base64>: needed in the clear to sign each delivery. */
  secret: text("secret").notNull(),
  eventTypes: text("event_types").array().notNull(),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One event for one endpoint; delivered by a BullMQ job with bounded, backed-off attempts. */
export const webhookDeliveries = pgTable("webhook_deliveries", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  endpointId: bigint("endpoint_id", { mode: "number" }).notNull().references(() => webhookEndpoints.id, { onDelete: "cascade" }),
  eventType: text("event_type").notNull(),
  /** The webhook-id header: the same on every attempt, so receivers can deduplicate. */
  messageId: text("message_id").notNull().unique("webhook_deliveries_message_id_key"),
  payload: jsonb("payload").notNull(),
  /** pending -> succeeded | failed */
  status: text("status").notNull().default("pending"),
  attempts: integer("attempts").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
}, (t) => [index("webhook_deliveries_status_idx").on(t.status, t.createdAt), index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.id)]);

export const webhookAttempts = pgTable("webhook_attempts", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  deliveryId: bigint("delivery_id", { mode: "number" }).notNull().references(() => webhookDeliveries.id, { onDelete: "cascade" }),
  attempt: integer("attempt").notNull(),
  /** HTTP status, null when no answer came (timeout, refused connection). */
  statusCode: integer("status_code"),
  /** milliseconds */
  latencyMs: integer("latency_ms").notNull(),
  /** The first 500 characters of the answer, or the network error. */
  responseExcerpt: text("response_excerpt"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attempt)]);
