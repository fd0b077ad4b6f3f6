import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { billableMetrics, customers, planVersions, plans } from "@/lib/db/schema";

export type PlanVersionSummary = { id: number; version: number; effective: "now" | "next_period"; effectiveFrom: string; pricing: unknown };

/** Versions of these plans, newest first; effectiveFrom as ISO text or "-infinity". */
export async function findPlanVersions(db: Db, params: { planIds: number[] }) {
  if (params.planIds.length === 0) return [];
  return db
    .select({
      planId: planVersions.planId,
      id: planVersions.id,
      version: planVersions.version,
      effective: planVersions.effective,
      effectiveFrom: sql<string>`to_json(${planVersions.effectiveFrom}) #>> '{}'`,
      pricing: planVersions.pricing,
    })
    .from(planVersions)
    .where(sql`${planVersions.planId} = any(${sql.param(params.planIds)})`)
    .orderBy(desc(planVersions.version));
}

/** Customers with their plan and closed periods (plan versions come from findPlanVersions). */
export async function findCustomers(db: Db, params: { externalIds: string[] } | { ids: number[] }) {
  return db
    .select({
      id: customers.id,
      externalId: customers.externalId,
      name: customers.name,
      email: customers.email,
      billingAnchor: customers.billingAnchor,
      createdAt: customers.createdAt,
      planId: customers.planId,
      planCode: plans.code,
      /** The plan's billing interval; a plan change never crosses intervals. */
      interval: plans.interval,
      previousPlanId: customers.previousPlanId,
      previousPlanCode: sql<string | null>`(select p.code from plans p where p.id = ${customers.previousPlanId})`,
      planChangesAt: customers.planChangesAt,
      alertPercentages: customers.alertPercentages,
      alertSpend: customers.alertSpend,
      /** Hard limits by metric id: { quantity } or { spend } (decimal strings). */
      limits: sql<Record<string, { quantity: string | null; spend: string | null }> | null>`(select jsonb_object_agg(l.metric_id, jsonb_build_object('quantity', l.quantity::text, 'spend', l.spend::text)) from usage_limits l where l.customer_id = ${customers.id})`,
      /** Starts (epoch ms) of this customer's periods whose invoice is no longer a draft. */
      closedPeriodStarts: sql<string[]>`coalesce((select array_agg((extract(epoch from i.period_start) * 1000)::int8::text)
        from invoices i where i.customer_id = ${customers.id} and i.status <> 'draft'), '{}')`,
    })
    .from(customers)
    .leftJoin(plans, eq(plans.id, customers.planId))
    // One array parameter, not one parameter per value: the same statement text (prepared once per
    // connection) whatever the number, and nothing to build per value. The catalog's background
    // reloads run this for hundreds of customers at a time.
    .where("ids" in params ? sql`${customers.id} = any(${sql.param(params.ids)})` : sql`${customers.externalId} = any(${sql.param(params.externalIds)})`);
}

export async function listMetrics(db: Db) {
  return db.select().from(billableMetrics).orderBy(billableMetrics.id);
}

export async function findPlanByCode(db: Db, params: { code: string }) {
  const [row] = await db.select().from(plans).where(eq(plans.code, params.code)).limit(1);
  return row;
}

export async function allCustomerIds(db: Db) {
  const rows = await db.select({ id: customers.id, externalId: customers.externalId }).from(customers).orderBy(customers.id);
  return rows;
}

