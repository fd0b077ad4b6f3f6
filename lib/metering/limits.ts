import { Dec } from "@/lib/billing/money";
import type { Period } from "@/lib/billing/periods";
import { sqlClient } from "@/lib/db/client";
import type { BillableMetric } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";
import { logger } from "@/lib/logger";
import { recordWebhookEvent, scheduleDeliveries } from "@/lib/webhooks/events";
import { customerPeriod, type CustomerInfo } from "./catalog";
import { readCounters } from "./counters";
import type { PreparedEvent } from "./group-commit";

export type Entitlement = { customer: string; metric: string; period: { start: string; end: string }; allowed: boolean; used: string; limit: string | null; remaining: string | null };

/**
 * May the customer use one more unit of this metric this period? From the live counter in Redis
 * (one round trip). `allowed` is true while usage is below the limit and turns false when usage
 * reaches it; without a limit it is always true. Usage is recorded either way: throttling is the
 * operator's decision.
 */
export async function entitlement(customer: CustomerInfo, metric: BillableMetric, nowMs = Date.now()): Promise<Entitlement> {
  const period = customerPeriod(customer, nowMs);
  let used: string;
  try {
    used = (await readCounters(customer.id, [metric], period)).get(metric.id) ?? "0";
  } catch {
    throw new ApiError("service_unavailable", "Live counters are unavailable right now; retry shortly.");
  }
  const limit = customer.limits.get(metric.id) ?? null;
  const remaining = limit === null ? null : Dec.max(0, new Dec(limit).minus(used)).toFixed();
  return {
    customer: customer.externalId,
    metric: metric.code,
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    allowed: limit === null || new Dec(used).lt(limit),
    used,
    limit,
    remaining,
  };
}

/** How much one event adds to its metric's counter (sum: the quantity; count: one). */
const increment = (event: PreparedEvent) => (event.metric.aggregation === "count" ? new Dec(1) : new Dec(event.quantity));

/**
 * After a commit: which accepted events took their customer's usage beyond a hard limit in the
 * period under way. Walks each (customer, metric)'s events of this request back from the counter
 * as it now stands. The first time a limit is passed in a period it is recorded as an alert, with
 * a usage.limit_exceeded webhook.
 */
export async function limitBreaches(events: PreparedEvent[], accepted: boolean[], customers: Map<number, CustomerInfo>, nowMs: number): Promise<Set<number>> {
  const breached = new Set<number>();
  const groups = new Map<string, { customer: CustomerInfo; metric: BillableMetric; period: Period; limit: string; indices: number[] }>();
  events.forEach((event, i) => {
    const customer = customers.get(event.customerId);
    const limit = customer?.limits.get(event.metric.id);
    if (!accepted[i] || !customer || limit === undefined || !["sum", "count"].includes(event.metric.aggregation)) return;
    const period = customerPeriod(customer, nowMs);
    if (event.period.start.getTime() !== period.start.getTime()) return;
    const key = `${event.customerId}:${event.metric.id}`;
    const group = groups.get(key) ?? { customer, metric: event.metric, period, limit, indices: [] };
    group.indices.push(i);
    groups.set(key, group);
  });
  for (const group of groups.values()) {
    let used = new Dec((await readCounters(group.customer.id, [group.metric], group.period)).get(group.metric.id) ?? "0");
    const observed = used.toFixed();
    for (const i of [...group.indices].reverse()) {
      if (used.gt(group.limit)) breached.add(i);
      used = used.minus(increment(events[i]));
    }
    if (new Dec(observed).gt(group.limit)) await recordLimitExceeded(group.customer, group.metric, group.period, group.limit, observed);
  }
  return breached;
}

async function recordLimitExceeded(customer: CustomerInfo, metric: BillableMetric, period: Period, limit: string, observed: string) {
  try {
    const deliveries = await sqlClient().begin(async (tx) => {
      const [alert] = await tx<{ id: string }[]>`
        insert into usage_alerts (customer_id, kind, metric_id, threshold, period_start, observed)
        values (${customer.id}, 'limit_exceeded', ${metric.id}, ${limit}, ${period.start.toISOString()}::timestamptz, ${observed})
        on conflict do nothing returning id`;
      if (!alert) return [];
      return recordWebhookEvent(tx as never, "usage.limit_exceeded", {
        alertId: Number(alert.id), customer: customer.externalId, metric: metric.code, kind: "limit_exceeded", limit, observed, periodStart: period.start.toISOString(),
      });
    });
    await scheduleDeliveries(deliveries as number[]);
  } catch (error) {
    logger.warn({ err: error, customer: customer.externalId }, "could not record a passed limit; the next event retries");
  }
}

/** Sets (or, with null, removes) a customer's hard limit on a metric; returns the previous one. */
export async function setUsageLimit(customerId: number, metricId: number, quantity: string | null): Promise<string | null> {
  const sql = sqlClient();
  const [before] = await sql<{ quantity: string }[]>`select quantity::text from usage_limits where customer_id = ${customerId} and metric_id = ${metricId}`;
  if (quantity === null) await sql`delete from usage_limits where customer_id = ${customerId} and metric_id = ${metricId}`;
  else await sql`insert into usage_limits (customer_id, metric_id, quantity) values (${customerId}, ${metricId}, ${quantity}::numeric)
                 on conflict (customer_id, metric_id) do update set quantity = excluded.quantity`;
  return before?.quantity ?? null;
}
