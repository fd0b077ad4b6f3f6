import type { Sql } from "postgres";

/** Sums of minor units come back as text (bigint sums can pass 2^53; the caller checks). */
export type RevenueRows = {
  byMonth: { month: string; total: string }[];
  byPlan: { plan: string; total: string }[];
  byMetric: { metric: string; amount: string }[];
  top: { customer: string; name: string; total: string }[];
  shares: { usage: string; subtotal: string; others: number };
};

/** Revenue from invoices in these statuses and this currency, by month, plan, metric and customer. */
export async function revenueRows(sql: Sql, params: { statuses: string[]; currency: string }): Promise<RevenueRows> {
  const statuses = sql.array(params.statuses);
  const { currency } = params;
  const [byMonth, byPlan, byMetric, top, [shares]] = await Promise.all([
    sql<RevenueRows["byMonth"]>`
      select to_char(period_start at time zone 'UTC', 'YYYY-MM') as month, sum(total)::text as total
      from invoices where status = any(${statuses}::text[]) and currency = ${currency} group by 1 order by 1`,
    sql<RevenueRows["byPlan"]>`
      select coalesce(p.code, '(none)') as plan, sum(i.total)::text as total
      from invoices i left join plan_versions v on v.id = i.plan_version_id left join plans p on p.id = v.plan_id
      where i.status = any(${statuses}::text[]) and i.currency = ${currency} group by 1 order by 2 desc`,
    sql<RevenueRows["byMetric"]>`
      select line ->> 'metric' as metric, sum((line ->> 'amount')::int8)::text as amount
      from invoices i cross join lateral jsonb_array_elements(i.lines) as line
      where i.status = any(${statuses}::text[]) and i.currency = ${currency} and line ->> 'kind' = 'usage' group by 1 order by 2 desc`,
    sql<RevenueRows["top"]>`
      select c.external_id as customer, c.name, sum(i.total)::text as total
      from invoices i join customers c on c.id = i.customer_id
      where i.status = any(${statuses}::text[]) and i.currency = ${currency} group by c.id order by sum(i.total) desc limit 10`,
    sql<RevenueRows["shares"][]>`
      select coalesce(sum((select sum((l ->> 'amount')::int8) from jsonb_array_elements(i.lines) l where l ->> 'kind' = 'usage')), 0)::text as usage,
             coalesce(sum(i.subtotal), 0)::text as subtotal,
             (select count(*)::int from invoices where status = any(${statuses}::text[]) and currency <> ${currency}) as others
      from invoices i where i.status = any(${statuses}::text[]) and i.currency = ${currency}`,
  ]);
  return { byMonth, byPlan, byMetric, top, shares };
}

/** Ids of customers with a plan, in order. */
export async function subscribedCustomerIds(sql: Sql): Promise<number[]> {
  return (await sql<{ id: string }[]>`select id from customers where plan_id is not null order by id`).map((r) => Number(r.id));
}
