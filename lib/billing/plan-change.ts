import type { Sql } from "postgres";
import { inTransaction } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api-error";
import { invalidateCatalog } from "@/lib/metering/catalog";
import { GRACE_PERIOD_MS } from "./period-close";
import { periodContaining, type BillingInterval } from "./periods";

export type PlanChange = { kind: "subscribed" | "scheduled" | "cancelled" | "unchanged"; planCode: string; effectiveFrom: string | null };

type Row = { id: string; plan_id: string | null; previous_plan_id: string | null; plan_changes_at: string | null; billing_anchor: string | null; created_at: string; current_interval: BillingInterval | null };

/**
 * Moves a customer to another plan from their next period (the period under way keeps its plan).
 * A customer without a plan is subscribed at once. Choosing the current plan again while a change
 * is pending cancels it. Refused: another billing interval (periods would not line up), leaving a
 * plan, and a second change before the last period on the previous plan has a finalized invoice.
 */
export async function changePlan(externalId: string, planCode: string, now = new Date()): Promise<PlanChange> {
  const result = await inTransaction((tx) => changePlanIn(tx, externalId, planCode, now));
  invalidateCatalog();
  return result;
}

/** changePlan inside the caller's transaction (the caller invalidates the catalog after commit). */
export async function changePlanIn(tx: Sql, externalId: string, planCode: string, now = new Date()): Promise<PlanChange> {
  const [row] = await tx<Row[]>`
    select c.id, c.plan_id, c.previous_plan_id, to_json(c.plan_changes_at) #>> '{}' as plan_changes_at,
      to_json(c.billing_anchor) #>> '{}' as billing_anchor, to_json(c.created_at) #>> '{}' as created_at,
      (select p.interval from plans p where p.id = c.plan_id) as current_interval
    from customers c where c.external_id = ${externalId} for update`;
  if (!row) throw new ApiError("not_found", `No customer "${externalId}".`);
  const [plan] = await tx<{ id: string; interval: BillingInterval | null }[]>`
    select p.id, p.interval from plans p where p.code = ${planCode}`;
  if (!plan) throw new ApiError("validation_failed", `No plan "${planCode}".`, [{ path: "planCode", message: "unknown plan" }]);
  const target = Number(plan.id);
  if (row.plan_id === null) {
    await tx`update customers set plan_id = ${target}, previous_plan_id = null, plan_changes_at = null where id = ${row.id}`;
    return { kind: "subscribed" as const, planCode, effectiveFrom: now.toISOString() };
  }
  if (plan.interval !== row.current_interval) {
    throw new ApiError("validation_failed", `Plan "${planCode}" bills per ${plan.interval}, this customer per ${row.current_interval}: periods would not line up.`, [{ path: "planCode", message: "another billing interval" }]);
  }
  const changesAt = row.plan_changes_at === null ? null : new Date(row.plan_changes_at);
  if (changesAt && now < changesAt) {
    // A change is pending: replace it, or cancel it by choosing the plan of the current period.
    if (String(target) === row.previous_plan_id) {
      await tx`update customers set plan_id = previous_plan_id, previous_plan_id = null, plan_changes_at = null where id = ${row.id}`;
      return { kind: "cancelled" as const, planCode, effectiveFrom: null };
    }
    await tx`update customers set plan_id = ${target} where id = ${row.id}`;
    return { kind: "scheduled" as const, planCode, effectiveFrom: changesAt.toISOString() };
  }
  if (String(target) === row.plan_id) return { kind: "unchanged" as const, planCode, effectiveFrom: null };
  if (changesAt && changesAt.getTime() > new Date(row.created_at).getTime()) {
    // previous_plan_id is about to be overwritten: the last period it priced must be invoiced
    // for good first, or a late re-rating would price it with the wrong plan.
    const [closed] = await tx`select 1 from invoices where customer_id = ${row.id} and period_end = ${changesAt.toISOString()}::timestamptz and status <> 'draft'`;
    if (!closed) {
      throw new ApiError("conflict", `The last period on this customer's previous plan (ending ${changesAt.toISOString()}) is not finalized yet; change the plan again once its invoice is (${GRACE_PERIOD_MS / 3_600_000} h after its end, or finalize it now).`);
    }
  }
  const next = periodContaining(now, { interval: row.current_interval ?? "month", anchor: row.billing_anchor === null ? null : new Date(row.billing_anchor) }).end;
  await tx`update customers set previous_plan_id = plan_id, plan_id = ${target}, plan_changes_at = ${next.toISOString()}::timestamptz where id = ${row.id}`;
  return { kind: "scheduled" as const, planCode, effectiveFrom: next.toISOString() };
}
