import type { Sql } from "postgres";
import type { BillableMetric } from "@/lib/db/schema";
import { counterValueSql } from "@/lib/metering/counters";
import type { Period } from "./periods";

/**
 * Usage per metric code for each (customer, period), from Postgres, with the same definitions
 * as the live counters (so invoices and counters agree): sum, count, max and latest from the
 * running totals written with the events, unique_count counted over the raw events. Values are
 * canonical decimal strings ("5.25", never "5.250000"); a metric without events is "0". One map
 * per window, in the windows' order.
 */
export async function usageByWindow(connection: Sql, windows: { customerId: number; period: Period }[], metrics: BillableMetric[]) {
  const byIndex = zeroUsage(windows, metrics);
  if (windows.length === 0 || metrics.length === 0) return byIndex;
  const customerIds = connection.array(windows.map((w) => w.customerId));
  const starts = connection.array(windows.map((w) => w.period.start.getTime()));
  const ends = connection.array(windows.map((w) => w.period.end.getTime()));
  const metricIds = connection.array(metrics.map((m) => m.id));
  // Metrics travel with the query (a three-row join, not a lookup per total).
  const counted = metrics.filter((m) => m.aggregation !== "unique_count");
  const unique = metrics.some((m) => m.aggregation === "unique_count");
  // Each query answers one row holding every value as JSON ([[i, code, value], ...]): one
  // JSON.parse instead of decoding thousands of rows.
  const [[totals], [distinct]] = await Promise.all([
    counted.length > 0
      ? connection<{ rows: string }[]>`
          select coalesce(json_agg(json_build_array(w.i, m.code, trim_scale(${counterValueSql(connection, "t", "m")})::text)), '[]')::text as rows
          from unnest(${customerIds}::int8[], ${starts}::int8[]) with ordinality as w(customer_id, period_ms, i)
          -- One index lookup per window, whatever the statistics say: "offset 0" keeps the lateral
          -- subquery from being flattened into a join, which the planner turned into a hash join
          -- over every totals row, chunk after chunk (three times the time of the lookups).
          cross join lateral (select * from usage_period_totals t
            where t.customer_id = w.customer_id and t.period_start = timestamptz 'epoch' + w.period_ms * interval '1 millisecond' offset 0) t
          join unnest(${connection.array(counted.map((m) => m.id))}::int4[], ${connection.array(counted.map((m) => m.code))}::text[], ${connection.array(counted.map((m) => m.aggregation))}::text[])
            as m(id, code, aggregation) on m.id = t.metric_id`
      : [{ rows: "[]" }],
    unique
      ? connection<{ rows: string }[]>`
          select coalesce(json_agg(json_build_array(u.i, u.code, u.value)), '[]')::text as rows from (
            select w.i, m.code, count(distinct e.properties ->> m.property)::text as value
            from unnest(${customerIds}::int8[], ${starts}::int8[], ${ends}::int8[]) with ordinality as w(customer_id, start_ms, end_ms, i)
            join billable_metrics m on m.id = any(${metricIds}::int4[]) and m.aggregation = 'unique_count'
            join usage_events e on e.customer_id = w.customer_id and e.metric_id = m.id
              and e."timestamp" >= timestamptz 'epoch' + w.start_ms * interval '1 millisecond'
              and e."timestamp" < timestamptz 'epoch' + w.end_ms * interval '1 millisecond'
            group by w.i, m.code) u`
      : [{ rows: "[]" }],
  ]);
  setValues(byIndex, JSON.parse(totals.rows));
  setValues(byIndex, JSON.parse(distinct.rows));
  return byIndex;
}

/** [window number from 1, metric code, value or null]. */
type UsageRow = [number, string, string | null];

// The loops live in small functions of their own: V8 then optimizes them alone, instead of
// recompiling the whole async function (and the query code it inlines) on each invoice run.

/** Every window's usage, each metric at "0", by position. */
function zeroUsage(windows: readonly unknown[], metrics: BillableMetric[]) {
  const byIndex: Map<string, string>[] = [];
  for (let i = 0; i < windows.length; i++) {
    const values = new Map<string, string>();
    for (const metric of metrics) values.set(metric.code, "0");
    byIndex.push(values);
  }
  return byIndex;
}

/** Windows are numbered from 1 by "with ordinality"; a null value (no total) leaves the "0". */
function setValues(byIndex: Map<string, string>[], rows: readonly UsageRow[]) {
  for (const [i, code, value] of rows) if (value !== null) byIndex[i - 1].set(code, value);
}
