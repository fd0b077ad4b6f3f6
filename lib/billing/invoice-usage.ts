import type { Sql } from "postgres";
import type { BillableMetric } from "@/lib/db/schema";
import { counterValueSql } from "@/lib/metering/counters";
import type { Period } from "./periods";

/**
 * Usage per metric code for each (customer, period), from Postgres, with the same definitions
 * as the live counters (so invoices and counters agree): sum, count, max and latest from the
 * running totals written with the events, unique_count counted over the raw events. Values are
 * canonical decimal strings ("5.25", never "5.250000"); a metric without events is "0".
 * Keyed "customerId:periodStartMs".
 */
export async function usageFromEventLog(connection: Sql, windows: { customerId: number; period: Period }[], metrics: BillableMetric[]) {
  const usage = new Map<string, Map<string, string>>();
  const byIndex: Map<string, string>[] = [];
  for (const { customerId, period } of windows) {
    const values = new Map(metrics.map((metric) => [metric.code, "0"]));
    usage.set(`${customerId}:${period.start.getTime()}`, values);
    byIndex.push(values);
  }
  if (windows.length === 0 || metrics.length === 0) return usage;
  const customerIds = connection.array(windows.map((w) => w.customerId));
  const starts = connection.array(windows.map((w) => w.period.start.getTime()));
  const ends = connection.array(windows.map((w) => w.period.end.getTime()));
  const metricIds = connection.array(metrics.map((m) => m.id));
  const counted = metrics.some((m) => m.aggregation !== "unique_count");
  const unique = metrics.some((m) => m.aggregation === "unique_count");
  const [totals, distinct] = await Promise.all([
    counted
      ? connection<{ i: number; code: string; value: string | null }[]>`
          select w.i::int4 as i, m.code, trim_scale(${counterValueSql(connection, "t", "m")})::text as value
          from unnest(${customerIds}::int8[], ${starts}::int8[]) with ordinality as w(customer_id, period_ms, i)
          join usage_period_totals t on t.customer_id = w.customer_id and t.period_start = timestamptz 'epoch' + w.period_ms * interval '1 millisecond'
          join billable_metrics m on m.id = t.metric_id and m.id = any(${metricIds}::int4[]) and m.aggregation <> 'unique_count'`
      : [],
    unique
      ? connection<{ i: number; code: string; value: string }[]>`
          select w.i::int4 as i, m.code, count(distinct e.properties ->> m.property)::text as value
          from unnest(${customerIds}::int8[], ${starts}::int8[], ${ends}::int8[]) with ordinality as w(customer_id, start_ms, end_ms, i)
          join billable_metrics m on m.id = any(${metricIds}::int4[]) and m.aggregation = 'unique_count'
          join usage_events e on e.customer_id = w.customer_id and e.metric_id = m.id
            and e."timestamp" >= timestamptz 'epoch' + w.start_ms * interval '1 millisecond'
            and e."timestamp" < timestamptz 'epoch' + w.end_ms * interval '1 millisecond'
          group by w.i, m.code`
      : [],
  ]);
  for (const row of totals) if (row.value !== null) byIndex[row.i - 1].set(row.code, row.value);
  for (const row of distinct) byIndex[row.i - 1].set(row.code, row.value);
  return usage;
}
