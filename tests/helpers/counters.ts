import Decimal from "decimal.js";
import type postgres from "postgres";
import { counterValueSql, readCounters } from "@/lib/metering/counters";
import type { BillableMetric } from "@/lib/db/schema";
import type { Period } from "@/lib/billing/periods";

/**
 * The SQL aggregate of one customer's usage per metric in a period, written out plainly here
 * (independently of the rebuild code) so that counters can be checked against it.
 */
export async function sqlAggregates(sql: postgres.Sql, customerId: number, period: Period) {
  const rows = await sql<{ metric_id: number; value: string }[]>`
    select m.id as metric_id,
      case m.aggregation
        when 'sum' then sum(e.quantity)::text
        when 'count' then count(*)::text
        when 'max' then max(e.quantity)::text
        when 'latest' then (array_agg(e.quantity::text order by e."timestamp" desc, e.event_id collate "C" desc))[1]
        when 'unique_count' then count(distinct e.properties ->> m.property)::text
      end as value
    from usage_events e join billable_metrics m on m.id = e.metric_id
    where e.customer_id = ${customerId} and e."timestamp" >= ${period.start} and e."timestamp" < ${period.end}
    group by m.id, m.aggregation`;
  return new Map(rows.map((r) => [r.metric_id, r.value]));
}

export type Mismatch = { customerId: number; metric: string; counter: string; sql: string };

/** Compares what `read` gives per metric for each customer with the SQL aggregate. */
async function compareWithSql(
  sql: postgres.Sql,
  customerIds: number[],
  metrics: BillableMetric[],
  period: Period,
  read: (customerId: number) => Promise<Map<number, string>>,
): Promise<Mismatch[]> {
  const mismatches: Mismatch[] = [];
  for (const customerId of customerIds) {
    const [kept, expected] = await Promise.all([read(customerId), sqlAggregates(sql, customerId, period)]);
    for (const metric of metrics) {
      const counter = kept.get(metric.id) ?? "0";
      const fromSql = expected.get(metric.id) ?? "0";
      if (!new Decimal(counter).equals(fromSql)) mismatches.push({ customerId, metric: metric.code, counter, sql: fromSql });
    }
  }
  return mismatches;
}

/** Compares every live counter of these customers with the SQL aggregate; returns mismatches. */
export function counterMismatches(sql: postgres.Sql, customerIds: number[], metrics: BillableMetric[], period: Period) {
  return compareWithSql(sql, customerIds, metrics, period, (customerId) => readCounters(customerId, metrics, period));
}

/**
 * Compares usage_period_totals (what invoices and rebuilds read) with the SQL aggregate over the
 * raw events, for every metric kept there (all but unique_count); returns mismatches.
 */
export function totalsMismatches(sql: postgres.Sql, customerIds: number[], metrics: BillableMetric[], period: Period) {
  const kept = metrics.filter((metric) => metric.aggregation !== "unique_count");
  return compareWithSql(sql, customerIds, kept, period, async (customerId) => {
    const rows = await sql<{ metric_id: number; value: string }[]>`
      select t.metric_id, ${counterValueSql(sql, "t", "m")}::text as value
      from usage_period_totals t join billable_metrics m on m.id = t.metric_id
      where t.customer_id = ${customerId} and t.period_start = ${period.start}`;
    return new Map(rows.map((r) => [r.metric_id, r.value]));
  });
}

export async function loadMetrics(sql: postgres.Sql): Promise<BillableMetric[]> {
  const rows = await sql<{ id: number; code: string; name: string; unit: string; aggregation: BillableMetric["aggregation"]; property: string | null; decimals: number; created_at: Date }[]>`
    select * from billable_metrics order by id`;
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, unit: r.unit, aggregation: r.aggregation, property: r.property, decimals: r.decimals, createdAt: r.created_at }));
}

export async function customerIds(sql: postgres.Sql, externalIds: string[]): Promise<number[]> {
  const rows = await sql<{ id: string }[]>`select id from customers where external_id = any(${sql.array(externalIds)}::text[]) order by id`;
  return rows.map((r) => Number(r.id));
}
