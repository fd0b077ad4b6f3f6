import { bigint, integer, numeric, pgTable, primaryKey, timestamp } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { billableMetrics } from "./metrics";

/** Optional hard limits: a customer's usage of a metric per period (in the metric's unit). */
export const usageLimits = pgTable("usage_limits", {
  customerId: bigint("customer_id", { mode: "number" }).notNull().references(() => customers.id, { onDelete: "cascade" }),
  metricId: integer("metric_id").notNull().references(() => billableMetrics.id),
  /** The metric's unit, per billing period. */
  quantity: numeric("quantity").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ name: "usage_limits_pkey", columns: [t.customerId, t.metricId] })]);
