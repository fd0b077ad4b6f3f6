import Decimal from "decimal.js";
import { periodContaining } from "@/lib/billing/periods";
import { ApiError } from "@/lib/http/api-error";
import type { CustomerInfo } from "./catalog";
import { metricsByCode } from "./catalog";
import { readCounters } from "./counters";

export type MetricUsage = { metric: string; name: string; unit: string; used: string; included: string; billable: string; amount: number };

/**
 * Live usage of the current period from the Redis counters. Amounts are 0 until rating lands:
 * this reports quantities only.
 */
export async function currentUsage(customer: CustomerInfo, now = new Date()) {
  const period = periodContaining(now, customer.rule);
  const metrics = [...(await metricsByCode()).values()].sort((a, b) => a.id - b.id);
  let counters: Map<number, string>;
  try {
    counters = await readCounters(customer.id, metrics, period);
  } catch {
    throw new ApiError("service_unavailable", "Live counters are unavailable right now; retry shortly.");
  }
  const charges = new Map((customer.pricing?.charges ?? []).map((charge) => [charge.metric, charge]));
  const lines: MetricUsage[] = metrics.map((metric) => {
    const used = counters.get(metric.id) ?? "0";
    const included = charges.get(metric.code)?.included ?? "0";
    const billable = Decimal.max(0, new Decimal(used).minus(included)).toFixed();
    return { metric: metric.code, name: metric.name, unit: metric.unit, used, included, billable, amount: 0 };
  });
  return {
    customer: customer.externalId,
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    currency: customer.pricing?.currency ?? null,
    metrics: lines,
    subtotal: 0,
    estimatedTotal: 0,
    projectedTotal: 0,
  };
}
