import { eq, sql } from "drizzle-orm";
import type { Sql } from "postgres";
import type { BillingInterval, PeriodRule } from "@/lib/billing/periods";
import type { Db, DbConn } from "@/lib/db/client";
import { invoiceRuns } from "@/lib/db/schema";

export async function insertInvoiceRun(db: DbConn, params: { periodEnd: Date; customerId: number | null }) {
  const [row] = await db.insert(invoiceRuns).values(params).returning();
  return row;
}

export async function findInvoiceRun(db: Db, params: { id: number }) {
  const [row] = await db.select().from(invoiceRuns).where(eq(invoiceRuns.id, params.id)).limit(1);
  return row;
}

export async function markInvoiceRun(db: Db, params: { id: number; status: "running" | "completed" | "failed"; total?: number; error?: string }) {
  await db
    .update(invoiceRuns)
    .set({
      status: params.status,
      ...(params.total !== undefined ? { total: params.total } : {}),
      ...(params.error !== undefined ? { error: params.error } : {}),
      ...(params.status === "running" ? { startedAt: sql`coalesce(${invoiceRuns.startedAt}, now())`, done: 0, failed: 0 } : { finishedAt: sql`now()` }),
    })
    .where(eq(invoiceRuns.id, params.id));
}

export async function addInvoiceRunProgress(db: Db, params: { id: number; done: number; failed: number }) {
  await db
    .update(invoiceRuns)
    .set({ done: sql`${invoiceRuns.done} + ${params.done}`, failed: sql`${invoiceRuns.failed} + ${params.failed}` })
    .where(eq(invoiceRuns.id, params.id));
}

/** A customer with a plan, as an invoice run needs it: no more than that, for 10,000s of rows. */
export type BilledCustomer = { id: number; planId: number; previousPlanId: number | null; planChangesAt: Date | null; createdAt: Date; rule: PeriodRule };

/**
 * Every customer with a plan, in id order, with the period rule of their plan; or only those of
 * `ids`, or those on plan `planId` now or in their last period (a plan change takes effect at
 * a period boundary).
 */
export async function billedCustomers(sql: Sql, only: { ids?: number[]; planId?: number } = {}): Promise<BilledCustomer[]> {
  const rows = await sql<{ id: string; plan_id: string; previous_plan_id: string | null; plan_changes_at: string | null; created_at: string; billing_anchor: string | null; interval: BillingInterval }[]>`
    select c.id, c.plan_id, c.previous_plan_id, to_json(c.plan_changes_at) #>> '{}' as plan_changes_at, to_json(c.created_at) #>> '{}' as created_at, to_json(c.billing_anchor) #>> '{}' as billing_anchor,
      p.interval
    from customers c join plans p on p.id = c.plan_id
    where true ${only.ids ? sql`and c.id = any(${sql.array(only.ids)}::int8[])` : sql``}
      ${only.planId !== undefined ? sql`and (c.plan_id = ${only.planId} or c.previous_plan_id = ${only.planId})` : sql``}
    order by c.id`;
  return rows.map((row) => ({
    id: Number(row.id),
    planId: Number(row.plan_id),
    previousPlanId: row.previous_plan_id === null ? null : Number(row.previous_plan_id),
    planChangesAt: row.plan_changes_at === null ? null : new Date(row.plan_changes_at),
    createdAt: new Date(row.created_at),
    rule: { interval: row.interval, anchor: row.billing_anchor === null ? null : new Date(row.billing_anchor) },
  }));
}
