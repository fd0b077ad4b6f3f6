import { dec } from "@/lib/billing/money";
import type { Period } from "@/lib/billing/periods";
import type { BillableMetric } from "@/lib/db/schema";
import type { CustomerInfo } from "./catalog";

export const DEFAULT_USAGE_PERCENTAGES = [80, 95, 100];

/** A usage alert threshold: a percentage of the allowance and the quantity it stands for. */
export type UsageThreshold = { percent: string; quantity: string };

const memo = new WeakMap<CustomerInfo, Map<number, UsageThreshold[]>>();

/**
 * The usage alert thresholds of a customer's metric in the period under way: the customer's own
 * percentages, else the plan's, else 80 / 95 / 100 %, of the metric's included allowance. None for
 * a metric without an allowance, for other periods, and for unique_count (whose distinct values
 * are counted in Redis, not in the running totals the alerts are checked against).
 */
export function usageThresholds(customer: CustomerInfo, metric: BillableMetric, period: Period, current: Period): UsageThreshold[] {
  if (period.start.getTime() !== current.start.getTime() || metric.aggregation === "unique_count") return [];
  let byMetric = memo.get(customer);
  if (!byMetric) memo.set(customer, (byMetric = new Map()));
  let thresholds = byMetric.get(metric.id);
  if (!thresholds) {
    const included = customer.pricing?.charges.find((charge) => charge.metric === metric.code)?.included;
    const allowance = included === undefined ? null : dec(included);
    const percentages = customer.alertPercentages ?? customer.pricing?.alerts?.usagePercentages ?? DEFAULT_USAGE_PERCENTAGES;
    thresholds = !allowance || allowance.isZero() ? [] : [...new Set(percentages)].sort((a, b) => a - b).map((p) => ({
      percent: String(p),
      quantity: allowance.times(p).dividedBy(100).toFixed(),
    }));
    byMetric.set(metric.id, thresholds);
  }
  return thresholds;
}

