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

/** Compares every live counter of these customers with the SQL aggregate; returns mismatches. */
export async function counterMismatches(
  sql: postgres.Sql,
  customerIds: number[],
  metrics: BillableMetric[],
  period: Period,
): Promise<Mismatch[]> {
  const mismatches: Mismatch[] = [];
  for (const customerId of customerIds) {
    const [counters, expected] = await Promise.all([readCounters(customerId, metrics, period), sqlAggregates(sql, customerId, period)]);
    for (const metric of metrics) {
      const counter = counters.get(metric.id) ?? "0";
      const fromSql = expected.get(metric.id) ?? "0";
      if (!new Decimal(counter).equals(fromSql)) mismatches.push({ customerId, metric: metric.code, counter, sql: fromSql });
    }
  }
  return mismatches;
}

/**
 * Compares usage_period_totals (what invoices and rebuilds read) with the SQL aggregate over the
 * raw events, for every metric kept there (all but unique_count); returns mismatches.
 */
export async function totalsMismatches(
  sql: postgres.Sql,
  customerIds: number[],
  metrics: BillableMetric[],
  period: Period,
): Promise<Mismatch[]> {
  const mismatches: Mismatch[] = [];
  for (const customerId of customerIds) {
    const expected = await sqlAggregates(sql, customerId, period);
    const rows = await sql<{ metric_id: number; value: string }[]>`
      select t.metric_id, ${counterValueSql(sql, "t", "m")}::text as value
      from usage_period_totals t join billable_metrics m on m.id = t.metric_id
      where t.customer_id = ${customerId} and t.period_start = ${period.start}`;
    const totals = new Map(rows.map((r) => [r.metric_id, r.value]));
    for (const metric of metrics) {
      if (metric.aggregation === "unique_count") continue;
      const kept = totals.get(metric.id) ?? "0";
      const fromSql = expected.get(metric.id) ?? "0";
      if (!new Decimal(kept).equals(fromSql)) mismatches.push({ customerId, metric: metric.code, counter: kept, sql: fromSql });
    }
  }
  return mismatches;
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
