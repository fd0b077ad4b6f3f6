import { asc, desc, eq, sql } from "drizzle-orm";
import type { Sql } from "postgres";
import type { Db, DbConn } from "@/lib/db/client";
import { planVersions, plans, type Plan, type PlanVersion } from "@/lib/db/schema";

/** A plan and its first version; run it in a transaction (undefined if the code is taken). */
export async function insertPlanWithVersion(tx: DbConn, params: { code: string; name: string; pricing: { interval: Plan["interval"] } }) {
  const [plan] = await tx.insert(plans).values({ code: params.code, name: params.name, interval: params.pricing.interval }).onConflictDoNothing({ target: plans.code }).returning();
  if (!plan) return undefined;
  const [version] = await tx.insert(planVersions).values({ planId: plan.id, version: 1, pricing: params.pricing }).returning();
  return { plan, version };
}

/**
 * Adds the plan's next version; run it in a transaction, which holds the plan's row lock until it
 * ends, so publishers of one plan never collide. Returns the new version and the one it follows.
 */
export async function insertPlanVersion(tx: DbConn, params: { planId: number; pricing: unknown; effectiveFrom: Date; effective: "now" | "next_period" }) {
  await tx.execute(sql`select id from plans where id = ${params.planId} for update`);
  const [latest] = await tx.select().from(planVersions).where(eq(planVersions.planId, params.planId)).orderBy(desc(planVersions.version)).limit(1);
  const [version] = await tx
    .insert(planVersions)
    .values({ planId: params.planId, version: (latest?.version ?? 0) + 1, pricing: params.pricing, effectiveFrom: params.effectiveFrom, effective: params.effective })
    .returning();
  return { latest: latest as PlanVersion | undefined, version };
}

export async function listPlanVersions(db: Db, params: { planId: number }) {
  return db.select().from(planVersions).where(eq(planVersions.planId, params.planId)).orderBy(planVersions.version);
}

export type PlanSummary = { code: string; name: string; versions: number; customers: number; currency: string; interval: string };

/** Every plan with its number of versions and subscribers, its interval and the latest version's currency. */
export async function listPlanSummaries(connection: Sql): Promise<PlanSummary[]> {
  return connection<PlanSummary[]>`
    select p.code, p.name, (select count(*)::int from plan_versions v where v.plan_id = p.id) as versions,
      (select count(*)::int from customers c where c.plan_id = p.id) as customers,
      (select v.pricing ->> 'currency' from plan_versions v where v.plan_id = p.id order by v.version desc limit 1) as currency,
      p.interval
    from plans p order by p.code`;
}

/** Plan ids and codes, by code. */
export async function listPlanCodes(db: Db): Promise<{ id: number; code: string }[]> {
  return db.select({ id: plans.id, code: plans.code }).from(plans).orderBy(asc(plans.code));
}
