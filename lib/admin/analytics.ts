import { Dec, minorToNumber } from "@/lib/billing/money";
import { sqlClient } from "@/lib/db/client";
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
  const sql = sqlClient();
  const statuses = sql.array(INVOICED);
  const byMonthQuery = sql<{ month: string; total: string }[]>`
    select to_char(period_start at time zone 'UTC', 'YYYY-MM') as month, sum(total)::text as total
    from invoices where status = any(${statuses}::text[]) and currency = ${currency} group by 1 order by 1`;
  const byPlanQuery = sql<{ plan: string; total: string }[]>`
    select coalesce(p.code, '(none)') as plan, sum(i.total)::text as total
    from invoices i left join plan_versions v on v.id = i.plan_version_id left join plans p on p.id = v.plan_id
    where i.status = any(${statuses}::text[]) and i.currency = ${currency} group by 1 order by 2 desc`;
  const byMetricQuery = sql<{ metric: string; amount: string }[]>`
    select line ->> 'metric' as metric, sum((line ->> 'amount')::int8)::text as amount
    from invoices i cross join lateral jsonb_array_elements(i.lines) as line
    where i.status = any(${statuses}::text[]) and i.currency = ${currency} and line ->> 'kind' = 'usage' group by 1 order by 2 desc`;
  const topQuery = sql<{ customer: string; name: string; total: string }[]>`
    select c.external_id as customer, c.name, sum(i.total)::text as total
    from invoices i join customers c on c.id = i.customer_id
    where i.status = any(${statuses}::text[]) and i.currency = ${currency} group by c.id order by sum(i.total) desc limit 10`;
  const sharesQuery = sql<{ usage: string; subtotal: string; others: number }[]>`
    select coalesce(sum((select sum((l ->> 'amount')::int8) from jsonb_array_elements(i.lines) l where l ->> 'kind' = 'usage')), 0)::text as usage,
           coalesce(sum(i.subtotal), 0)::text as subtotal,
           (select count(*)::int from invoices where status = any(${statuses}::text[]) and currency <> ${currency}) as others
    from invoices i where i.status = any(${statuses}::text[]) and i.currency = ${currency}`;
  const [byMonth, byPlan, byMetric, top, [shares], projectedCurrentPeriod] = await Promise.all([
    byMonthQuery, byPlanQuery, byMetricQuery, topQuery, sharesQuery, projectedRevenue(currency),
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
  const ids = (await sqlClient()<{ id: string }[]>`select id from customers where plan_id is not null order by id`).map((r) => Number(r.id));
  let total = 0;
  for (let i = 0; i < ids.length; i += 200) {
    // A chunk's counter reads go out together (one Redis round trip's worth), not one by one.
    const customers = (await loadCustomersById(ids.slice(i, i + 200))).filter((customer) => customer.pricing?.currency === currency);
    for (const usage of await Promise.all(customers.map((customer) => currentUsage(customer)))) total += usage.projectedTotal;
  }
  return total;
}
