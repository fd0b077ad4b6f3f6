import { sql } from "drizzle-orm";
import { bigint, check, integer, numeric, pgTable, primaryKey, timestamp } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { billableMetrics } from "./metrics";

/** Optional hard limits on a customer's metric per period: a quantity, or a spend amount. */
export const usageLimits = pgTable("usage_limits", {
  customerId: bigint("customer_id", { mode: "number" }).notNull().references(() => customers.id, { onDelete: "cascade" }),
  metricId: integer("metric_id").notNull().references(() => billableMetrics.id),
  /** In the metric's unit, per billing period. */
  quantity: numeric("quantity"),
  /** Major units of the plan's currency: what the metric's charge may cost per period. */
  spend: numeric("spend"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ name: "usage_limits_pkey", columns: [t.customerId, t.metricId] }),
  check("usage_limits_one_kind_check", sql`(${t.quantity} is null) <> (${t.spend} is null)`),
]);
