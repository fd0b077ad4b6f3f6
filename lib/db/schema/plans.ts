import { sql } from "drizzle-orm";
import { bigint, check, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const plans = pgTable("plans", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  code: text("code").notNull().unique("plans_code_key"),
  name: text("name").notNull(),
  /**
   * Every version's pricing.interval: a plan's periods never change length (usage totals and
   * invoices are keyed by period), so the interval is fixed when the plan is created.
   */
  interval: text("interval", { enum: ["month", "year"] }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [check("plans_interval_check", sql`${t.interval} in ('month', 'year')`)]);

/** Immutable: a price change is a new version. */
export const planVersions = pgTable(
  "plan_versions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    planId: bigint("plan_id", { mode: "number" }).notNull().references(() => plans.id),
    version: integer("version").notNull(),
    /** The pricing document (validated by lib/billing/pricing-schema.ts on the way in and out). */
    pricing: jsonb("pricing").notNull(),
    /**
     * With effective = 'now', the version prices every period that ends after this instant;
     * with 'next_period', every period that starts at or after it (each customer's own periods).
     */
    effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull().default(sql`'-infinity'`),
    effective: text("effective", { enum: ["now", "next_period"] }).notNull().default("now"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("plan_versions_plan_version_key").on(t.planId, t.version)],
);

export type Plan = typeof plans.$inferSelect;
export type PlanVersion = typeof planVersions.$inferSelect;
