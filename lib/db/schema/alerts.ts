import { bigint, index, integer, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { billableMetrics } from "./metrics";

/**
 * Alerts fired for a customer: a share of a metric's allowance, or a spend amount, reached in a
 * period. Unique per (customer, kind, metric, threshold, period): each fires once.
 */
export const usageAlerts = pgTable("usage_alerts", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  customerId: bigint("customer_id", { mode: "number" }).notNull().references(() => customers.id, { onDelete: "cascade" }),
  /** 'usage_percent' (threshold in % of the allowance) or 'spend' (threshold in minor units). */
  kind: text("kind").notNull(),
  /** null for spend alerts. */
  metricId: integer("metric_id").references(() => billableMetrics.id),
  /** Decimal string: percent of the allowance, or minor units of spend. */
  threshold: text("threshold").notNull(),
  periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
  /** Usage (decimal string) or spend (minor units) when the alert fired. */
  observed: text("observed").notNull(),
  firedAt: timestamp("fired_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  unique("usage_alerts_once_key").on(t.customerId, t.kind, t.metricId, t.threshold, t.periodStart).nullsNotDistinct(),
  index("usage_alerts_customer_fired_idx").on(t.customerId, t.firedAt),
]);

export type UsageAlert = typeof usageAlerts.$inferSelect;
