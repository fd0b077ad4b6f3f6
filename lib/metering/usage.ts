import { Dec } from "@/lib/billing/money";
import { periodContaining, type Period } from "@/lib/billing/periods";
import { rate } from "@/lib/billing/rate";
import type { BillableMetric } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";
import type { CustomerInfo } from "./catalog";
import { metricsByCode } from "./catalog";
import { readCounters } from "./counters";

export type MetricUsage = { metric: string; name: string; unit: string; used: string; included: string; billable: string; amount: number };

/** Sums and counts grow with time; gauges (max, latest, distinct) are taken as they stand. */
const GROWS_WITH_TIME = new Set<BillableMetric["aggregation"]>(["sum", "count"]);

/** Usage extrapolated linearly from the elapsed part of the period to its end. */
export function projectUsage(metrics: BillableMetric[], used: Map<string, string>, period: Period, nowMs: number): Map<string, string> {
  const length = period.end.getTime() - period.start.getTime();
  const elapsed = Math.min(length, Math.max(1, nowMs - period.start.getTime()));
  const projected = new Map<string, string>();
  for (const metric of metrics) {
    const value = new Dec(used.get(metric.code) ?? "0");
    projected.set(
      metric.code,
      GROWS_WITH_TIME.has(metric.aggregation) ? value.times(length).dividedBy(elapsed).toDecimalPlaces(metric.decimals, Dec.ROUND_HALF_UP).toFixed() : value.toFixed(),
    );
  }
  return projected;
}

/**
 * Live usage of the current period from the Redis counters, priced by the same rate() that
 * invoices use: the estimate equals the invoice that this usage would produce.
 */
export async function currentUsage(customer: CustomerInfo, nowMs = Date.now()) {
  const period = periodContaining(new Date(nowMs), customer.rule);
  const metrics = [...(await metricsByCode()).values()].sort((a, b) => a.id - b.id);
  let counters: Map<number, string>;
  try {
    counters = await readCounters(customer.id, metrics, period);
  } catch {
    throw new ApiError("service_unavailable", "Live counters are unavailable right now; retry shortly.");
  }
  const used = new Map(metrics.map((m) => [m.code, counters.get(m.id) ?? "0"]));
  const pricing = customer.pricing;
  const estimate = pricing ? rate(pricing, used, period) : null;
  const projected = pricing ? rate(pricing, projectUsage(metrics, used, period, nowMs), period) : null;
  const charges = new Map((pricing?.charges ?? []).map((charge) => [charge.metric, charge]));
  const lines: MetricUsage[] = metrics.map((metric) => {
    const quantity = used.get(metric.code) ?? "0";
    const included = charges.get(metric.code)?.included ?? "0";
    return {
      metric: metric.code,
      name: metric.name,
      unit: metric.unit,
      used: quantity,
      included,
      billable: Dec.max(0, new Dec(quantity).minus(included)).toFixed(),
      amount: (estimate?.lines ?? []).filter((line) => line.metric === metric.code).reduce((sum, line) => sum + line.amount, 0),
    };
  });
  return {
    customer: customer.externalId,
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    currency: pricing?.currency ?? null,
    metrics: lines,
    subtotal: estimate?.subtotal ?? 0,
    estimatedTotal: estimate?.total ?? 0,
    projectedTotal: projected?.total ?? 0,
  };
}
