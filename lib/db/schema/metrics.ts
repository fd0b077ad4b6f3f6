import { sql } from "drizzle-orm";
import { check, integer, pgTable, smallint, text, timestamp } from "drizzle-orm/pg-core";

export const AGGREGATIONS = ["sum", "count", "max", "latest", "unique_count"] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const billableMetrics = pgTable(
  "billable_metrics",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    code: text("code").notNull().unique("billable_metrics_code_key"),
    name: text("name").notNull(),
    unit: text("unit").notNull(),
    aggregation: text("aggregation", { enum: AGGREGATIONS }).notNull(),
    /** Event property read instead of quantity (the value counted, for unique_count). */
    property: text("property"),
    /** Decimal places a quantity may have; counters are integers scaled by 10^decimals. */
    decimals: smallint("decimals").notNull().default(6),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("billable_metrics_aggregation_check", sql`${t.aggregation} in ('sum','count','max','latest','unique_count')`),
    check("billable_metrics_decimals_check", sql`${t.decimals} between 0 and 12`),
    check("billable_metrics_unique_property_check", sql`${t.aggregation} <> 'unique_count' or ${t.property} is not null`),
  ],
);

export type BillableMetric = typeof billableMetrics.$inferSelect;
