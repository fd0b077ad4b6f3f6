import { Dec, minorToNumber } from "@/lib/billing/money";
import { sqlClient } from "@/lib/db/client";
import { revenueRows, subscribedCustomerIds } from "@/lib/db/queries/analytics";
import { loadCustomersById } from "@/lib/metering/catalog";
import { currentUsage } from "@/lib/metering/usage";

/** Invoices that count as revenue: finalized or paid (drafts may change, void ones were cancelled). */
const INVOICED = ["finalized", "paid"];

export type Revenue = {
  /** All amounts in minor units of `currency`; invoices in other currencies are left out and counted. */
  currency: string;
  otherCurrencyInvoices: number;
  byMonth: { month: string; total: number }[];
  byPlan: { plan: string; total: number }[];
  byMetric: { metric: string; amount: number }[];
  topCustomers: { customer: string; name: string; total: number }[];
  /** Usage charges (units above allowances) as a percentage of the subtotal, one decimal. */
  overageShare: string;
  usageSubtotal: number;
  subtotal: number;
  projectedCurrentPeriod: number;
};

/** A sum of minor units from SQL as an exact JSON number (refused above 2^53, never rounded). */
const minor = (text: string) => minorToNumber(BigInt(text));

/** Revenue analytics from invoices in Postgres, plus the current period projected from live counters. */
export async function revenueAnalytics(currency = "USD"): Promise<Revenue> {
  const [{ byMonth, byPlan, byMetric, top, shares }, projectedCurrentPeriod] = await Promise.all([
    revenueRows(sqlClient(), { statuses: INVOICED, currency }),
    projectedRevenue(currency),
  ]);
  const usageSubtotal = minor(shares.usage);
  const subtotal = minor(shares.subtotal);
  return {
    currency,
    otherCurrencyInvoices: shares.others,
    byMonth: byMonth.map((r) => ({ month: r.month, total: minor(r.total) })),
    byPlan: byPlan.map((r) => ({ plan: r.plan, total: minor(r.total) })),
    byMetric: byMetric.map((r) => ({ metric: r.metric, amount: minor(r.amount) })),
    topCustomers: top.map((r) => ({ customer: r.customer, name: r.name, total: minor(r.total) })),
    overageShare: subtotal === 0 ? "0.0" : new Dec(usageSubtotal).times(100).dividedBy(subtotal).toDecimalPlaces(1, Dec.ROUND_HALF_UP).toFixed(1),
    usageSubtotal,
    subtotal,
    projectedCurrentPeriod,
  };
}

/** Sum of every billed customer's projected total for the period they are in, from live counters. */
export async function projectedRevenue(currency: string): Promise<number> {
  const ids = await subscribedCustomerIds(sqlClient());
  let total = 0;
  for (let i = 0; i < ids.length; i += 200) {
    // A chunk's counter reads go out together (one Redis round trip's worth), not one by one.
    const customers = (await loadCustomersById(ids.slice(i, i + 200))).filter((customer) => customer.pricing?.currency === currency);
    for (const usage of await Promise.all(customers.map((customer) => currentUsage(customer)))) total += usage.projectedTotal;
  }
  return total;
}
