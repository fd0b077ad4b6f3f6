import { usageByWindow } from "@/lib/billing/invoice-usage";
import { billable, periodContaining, previousPeriod, type Period } from "@/lib/billing/periods";
import type { Pricing } from "@/lib/billing/pricing-schema";
import { versionPricing } from "@/lib/billing/pricing-schema";
import { rate } from "@/lib/billing/rate";
import { planIdForPeriod } from "@/lib/billing/subscription";
import { sqlClient } from "@/lib/db/client";
import { findPlanByCode, findPlanVersions } from "@/lib/db/queries/catalog";
import { customerNamesOnPlan } from "@/lib/db/queries/customers";
import { billedCustomers } from "@/lib/db/queries/invoice-runs";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api-error";
import { metricsById, versionForPeriod } from "@/lib/metering/catalog";

export type ImpactSide = { live: number; draft: number; delta: number };
export type ImpactRow = { customer: string; name: string; current: ImpactSide; last: ImpactSide | null };
export type Impact = {
  currency: string;
  customers: number;
  rows: ImpactRow[];
  totals: { current: ImpactSide; last: ImpactSide };
  /** Customers whose current-period bill would be higher under the draft. */
  rising: number;
};

const side = (live: number, draft: number): ImpactSide => ({ live, draft, delta: draft - live });

/**
 * Re-rates every customer on the plan, for the period they are in and their last closed one,
 * under the live version and under a draft, from the durable usage in Postgres (what invoices
 * use). All amounts are totals in minor units, tax included; rate() does all the pricing.
 */
export async function previewImpact(planCode: string, draft: Pricing, now = new Date()): Promise<Impact> {
  const plan = await findPlanByCode(db(), { code: planCode });
  if (!plan) throw new ApiError("not_found", `No plan with code "${planCode}".`);
  const versions = await findPlanVersions(db(), { planIds: [plan.id] });
  const names = await customerNamesOnPlan(sqlClient(), { planId: plan.id });
  // The plan's customers in each period: a plan change moves a customer at a period boundary.
  const windows = (await billedCustomers(sqlClient(), { planId: plan.id })).flatMap((customer) => {
    const current = periodContaining(now, customer.rule);
    const last = previousPeriod(current, customer.rule);
    return [
      { customer, period: current, kind: "current" as const },
      ...(billable(customer, last) ? [{ customer, period: last, kind: "last" as const }] : []),
    ].filter((w) => planIdForPeriod(w.customer, w.period) === plan.id);
  });
  const metrics = [...(await metricsById()).values()];
  const usage = await usageByWindow(sqlClient(), windows.map((w) => ({ customerId: w.customer.id, period: w.period })), metrics);
  const liveTotal = (period: Period, used: Map<string, string>) => {
    const version = versionForPeriod(versions, period);
    return version ? rate(versionPricing(version.id, version.pricing), used, period).total : 0;
  };
  const rows = new Map<number, ImpactRow>();
  for (const [i, w] of windows.entries()) {
    const used = usage[i];
    const result = side(liveTotal(w.period, used), rate(draft, used, w.period).total);
    const row = rows.get(w.customer.id) ?? { customer: names.get(w.customer.id)?.externalId ?? String(w.customer.id), name: names.get(w.customer.id)?.name ?? "", current: side(0, 0), last: null };
    if (w.kind === "current") row.current = result;
    else row.last = result;
    rows.set(w.customer.id, row);
  }
  const list = [...rows.values()].sort((a, b) => Math.abs(b.current.delta) - Math.abs(a.current.delta));
  const sum = (pick: (r: ImpactRow) => ImpactSide | null) =>
    list.reduce((acc, r) => {
      const s = pick(r);
      return s ? side(acc.live + s.live, acc.draft + s.draft) : acc;
    }, side(0, 0));
  return {
    currency: draft.currency,
    customers: list.length,
    rows: list,
    totals: { current: sum((r) => r.current), last: sum((r) => r.last) },
    rising: list.filter((r) => r.current.delta > 0).length,
  };
}
