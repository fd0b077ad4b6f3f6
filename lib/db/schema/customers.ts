import { bigint, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { plans } from "./plans";

export const customers = pgTable("customers", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  externalId: text("external_id").notNull().unique("customers_external_id_key"),
  name: text("name").notNull(),
  email: text("email").notNull(),
  /** null: metered but not billed. */
  planId: bigint("plan_id", { mode: "number" }).references(() => plans.id),
  /** The plan before a change: it still prices the periods that start before plan_changes_at. */
  previousPlanId: bigint("previous_plan_id", { mode: "number" }).references(() => plans.id),
  /** Start of the first period priced by plan_id after a plan change (null: no change). */
  planChangesAt: timestamp("plan_changes_at", { withTimezone: true }),
  /** null: calendar periods (1st of the month / year, 00:00 UTC). */
  billingAnchor: timestamp("billing_anchor", { withTimezone: true }),
  /** Usage alert thresholds in % of each allowance, replacing the plan's; null: the plan's. */
  alertPercentages: integer("alert_percentages").array(),
  /** Spend alert amounts (major units, decimal strings), replacing the plan's; null: the plan's. */
  alertSpend: text("alert_spend").array(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Customer = typeof customers.$inferSelect;
