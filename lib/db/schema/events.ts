import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The durable event log, the source of truth for usage. Written only by the group committer
 * (lib/metering/group-commit.ts) with INSERT .. ON CONFLICT DO NOTHING. No foreign keys point
 * at it and every read filters on a timestamp range, so it can become a table partitioned by
 * month; the idempotency key (customer_id, event_id) would then move to a small table of its own,
 * since a partitioned table's unique keys must contain the partition key.
 * Ingestion resolves customer and metric ids itself; customers and metrics are never deleted.
 */
export const usageEvents = pgTable(
  "usage_events",
  {
    customerId: bigint("customer_id", { mode: "number" }).notNull(),
    /** The caller's idempotency key (1-128 chars). */
    eventId: text("event_id").notNull(),
    metricId: integer("metric_id").notNull(),
    /** When the usage happened; decides the billing period. */
    timestamp: timestamp("timestamp", { withTimezone: true }).notNull(),
    /** In the metric's unit (the property value when the metric reads a property). */
    quantity: numeric("quantity").notNull(),
    properties: jsonb("properties"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "usage_events_pkey", columns: [t.customerId, t.eventId] }),
    index("usage_events_customer_metric_time_idx").on(t.customerId, t.metricId, t.timestamp),
  ],
);

/**
 * One row per group commit that changed counters, written in the same statement as its events
 * and deleted once Redis has applied it. A row that outlives the repair delay means the process
 * died (or Redis failed) between the commit and the counter update: its customers are rebuilt.
 */
export const counterOutbox = pgTable("counter_outbox", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  customerIds: bigint("customer_ids", { mode: "number" }).array().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
});

export type UsageEvent = typeof usageEvents.$inferSelect;

/**
 * Running totals per customer, metric and billing period, written in the same statement as the
 * events they count (so always in step with the log). Invoices and counter rebuilds read these
 * instead of scanning raw events; unique_count is the exception and counts raw events.
 */
export const usagePeriodTotals = pgTable(
  "usage_period_totals",
  {
    customerId: bigint("customer_id", { mode: "number" }).notNull(),
    metricId: integer("metric_id").notNull(),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    eventCount: bigint("event_count", { mode: "number" }).notNull(),
    /** In the metric's unit. */
    quantitySum: numeric("quantity_sum").notNull(),
    /** In the metric's unit. */
    quantityMax: numeric("quantity_max").notNull(),
    /**
     * Zero-padded epoch ms, "|", event id: the greatest wins (byte order). Kept up to date, with
     * latest_quantity, for metrics aggregated by latest only; "" and 0 for others' new rows.
     */
    latestKey: text("latest_key").notNull(),
    /** In the metric's unit. */
    latestQuantity: numeric("latest_quantity").notNull(),
  },
  (t) => [primaryKey({ name: "usage_period_totals_pkey", columns: [t.customerId, t.metricId, t.periodStart] })],
);
