import { desc, eq, inArray, lte } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { billableMetrics, customers, planVersions, plans } from "@/lib/db/schema";

/** Customers with the plan version that prices them now (latest version effective at `at`). */
export async function findCustomers(db: Db, params: { externalIds: string[]; at: Date } | { ids: number[]; at: Date }) {
  const current = db
    .selectDistinctOn([planVersions.planId], {
      planId: planVersions.planId,
      versionId: planVersions.id,
      pricing: planVersions.pricing,
    })
    .from(planVersions)
    .where(lte(planVersions.effectiveFrom, params.at))
    .orderBy(planVersions.planId, desc(planVersions.version))
    .as("current_version");
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
      planVersionId: current.versionId,
      pricing: current.pricing,
    })
    .from(customers)
    .leftJoin(plans, eq(plans.id, customers.planId))
    .leftJoin(current, eq(current.planId, customers.planId))
    .where("ids" in params ? inArray(customers.id, params.ids) : inArray(customers.externalId, params.externalIds));
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

