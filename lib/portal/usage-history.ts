import { z } from "zod";
import { billable, periodContaining, previousPeriod, type Period, type PeriodRule } from "@/lib/billing/periods";
import { sqlClient } from "@/lib/db/client";
import type { BillableMetric } from "@/lib/db/schema";
import { metricsByCode } from "@/lib/metering/catalog";

const DAY_MS = 86_400_000;
/** Past periods offered by the selector. */
const MAX_PERIODS = 24;

export type DailyPoint = { day: string; value: string };
export type MetricHistory = { metric: string; name: string; unit: string; aggregation: BillableMetric["aggregation"]; days: DailyPoint[] };

/** The customer's billable periods, newest first (the current one included). */
export function selectablePeriods(customer: { createdAt: Date; rule: PeriodRule }, now = new Date()): Period[] {
  const periods: Period[] = [];
  for (let p = periodContaining(now, customer.rule); billable(customer, p) && periods.length < MAX_PERIODS; p = previousPeriod(p, customer.rule)) {
    periods.push(p);
  }
  return periods;
}

/** ?period=YYYY-MM-DD (the period's first day); anything else means the current period. */
export const periodParamSchema = z.iso.date().optional().catch(undefined);

type Row = { metric_id: number; day: string; n: string; total: string; peak: string; latest: string; distinct_values: string };

/**
 * Usage per UTC day of one period, per metric, from the event log, with the metric's own
 * aggregation applied within each day (sum, count, max, the latest value, distinct values).
 * Scoped to one customer; days without usage are filled with zero.
 */
export async function dailyUsage(customerId: number, period: Period): Promise<MetricHistory[]> {
  const metrics = [...(await metricsByCode()).values()].sort((a, b) => a.id - b.id);
  const rows = await sqlClient()<Row[]>`
    select e.metric_id, to_char(e."timestamp" at time zone 'UTC', 'YYYY-MM-DD') as day,
      count(*)::text as n, sum(e.quantity)::text as total, max(e.quantity)::text as peak,
      (array_agg(e.quantity order by e."timestamp" desc, e.event_id desc))[1]::text as latest,
      count(distinct e.properties ->> m.property)::text as distinct_values
    from usage_events e join billable_metrics m on m.id = e.metric_id
    where e.customer_id = ${customerId}
      and e."timestamp" >= ${period.start.toISOString()}::timestamptz and e."timestamp" < ${period.end.toISOString()}::timestamptz
    group by e.metric_id, day`;
  const byKey = new Map(rows.map((r) => [`${r.metric_id}:${r.day}`, r]));
  const days: string[] = [];
  for (let t = Date.UTC(period.start.getUTCFullYear(), period.start.getUTCMonth(), period.start.getUTCDate()); t < period.end.getTime(); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return metrics.map((metric) => ({
    metric: metric.code,
    name: metric.name,
    unit: metric.unit,
    aggregation: metric.aggregation,
    days: days.map((day) => ({ day, value: dayValue(metric, byKey.get(`${metric.id}:${day}`)) })),
  }));
}

/** A metric's days as bar chart points: the exact figure in the label, its size for the bar. */
export const dayPoints = (metric: MetricHistory) =>
  metric.days.map((d) => ({ label: d.day.slice(5), value: Number(d.value), text: `${d.value} ${metric.unit}` }));

const trimZeros = (value: string) => (value.includes(".") ? value.replace(/\.?0+$/, "") : value);

function dayValue(metric: BillableMetric, row: Row | undefined): string {
  if (!row) return "0";
  switch (metric.aggregation) {
    case "sum":
      return trimZeros(row.total);
    case "count":
      return row.n;
    case "max":
      return trimZeros(row.peak);
    case "latest":
      return trimZeros(row.latest);
    case "unique_count":
      return row.distinct_values;
  }
}
