import { sql } from "drizzle-orm";
import { bigint, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const plans = pgTable("plans", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  code: text("code").notNull().unique("plans_code_key"),
  name: text("name").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Immutable: a price change is a new version. */
export const planVersions = pgTable(
  "plan_versions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    planId: bigint("plan_id", { mode: "number" }).notNull().references(() => plans.id),
    version: integer("version").notNull(),
    /** The pricing document (validated by lib/billing/pricing-schema.ts on the way in and out). */
    pricing: jsonb("pricing").notNull(),
    /** First instant at which this version prices usage. */
    effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull().default(sql`'-infinity'`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("plan_versions_plan_version_key").on(t.planId, t.version)],
);

export type Plan = typeof plans.$inferSelect;
export type PlanVersion = typeof planVersions.$inferSelect;
