import { type Actor, recordAudit } from "@/lib/admin/audit";
import type { Currency } from "@/lib/billing/currencies";
import { Dec, dec, minorToMajor, toMinorUnits } from "@/lib/billing/money";
import { rate } from "@/lib/billing/rate";
import type { Charge, Pricing } from "@/lib/billing/pricing-schema";
import type { Period } from "@/lib/billing/periods";
import { inTransaction } from "@/lib/db/client";
import type { BillableMetric } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";
import { logger } from "@/lib/logger";
import { recordWebhookEvent, withWebhookEvents } from "@/lib/webhooks/events";
import { customerPeriod, type CustomerInfo, type UsageLimit } from "./catalog";
import { readCounters } from "./counters";
import { alertKey, isStoredAlert, rememberStoredAlert } from "./stored-alerts";
import type { PreparedEvent } from "./group-commit";

export type Entitlement = {
  customer: string;
  metric: string;
  period: { start: string; end: string };
  allowed: boolean;
  /** "quantity": used, limit and remaining are in the metric's unit; "spend": in major units of the currency. */
  limitKind: UsageLimit["kind"] | null;
  used: string;
  limit: string | null;
  remaining: string | null;
};

const chargeOnly = new WeakMap<Charge, Pricing>();

/** The pricing with this one charge and no fees or tax, made once per charge (rate() keeps what it works out per pricing). */
function pricingOfCharge(pricing: Pricing, charge: Charge): Pricing {
  let only = chargeOnly.get(charge);
  if (only === undefined) {
    only = { ...pricing, baseFee: "0", minimumCommitment: "0", taxRate: "0", charges: [charge] };
    chargeOnly.set(charge, only);
  }
  return only;
}

/** What the metric's own charge costs for this much usage, in minor units (rate() on that charge alone). */
function chargeMinor(customer: CustomerInfo, metric: BillableMetric, quantity: string, period: Period): bigint {
  const charge = customer.pricing?.charges.find((c) => c.metric === metric.code);
  if (!customer.pricing || !charge) return 0n;
  const rating = rate(pricingOfCharge(customer.pricing, charge), new Map([[metric.code, quantity]]), period);
  return BigInt(rating.subtotal);
}

function limitMinor(customer: CustomerInfo, limit: string): bigint {
  return toMinorUnits(dec(limit), (customer.pricing?.currency ?? "USD") as Currency);
}

const majorText = (minor: bigint, customer: CustomerInfo) => minorToMajor(minor, (customer.pricing?.currency ?? "USD") as Currency);

/**
 * May the customer use one more unit of this metric this period? From the live counter in Redis
 * (one round trip). `allowed` is true while usage (or, for a spend limit, what the metric's
 * charge costs so far) is below the limit and turns false when it reaches it; always true
 * without a limit. Usage is recorded either way: throttling is the operator's decision.
 */
export async function entitlement(customer: CustomerInfo, metric: BillableMetric, nowMs = Date.now()): Promise<Entitlement> {
  const period = customerPeriod(customer, nowMs);
  let quantity: string;
  try {
    quantity = (await readCounters(customer.id, [metric], period)).get(metric.id) ?? "0";
  } catch {
    throw new ApiError("service_unavailable", "Live counters are unavailable right now; retry shortly.");
  }
  const limit = customer.limits.get(metric.id) ?? null;
  const base = { customer: customer.externalId, metric: metric.code, period: { start: period.start.toISOString(), end: period.end.toISOString() } };
  if (limit === null) return { ...base, allowed: true, limitKind: null, used: quantity, limit: null, remaining: null };
  if (limit.kind === "quantity") {
    return { ...base, allowed: new Dec(quantity).lt(limit.value), limitKind: "quantity", used: quantity, limit: limit.value, remaining: Dec.max(0, new Dec(limit.value).minus(quantity)).toFixed() };
  }
  const spent = chargeMinor(customer, metric, quantity, period);
  const cap = limitMinor(customer, limit.value);
  return { ...base, allowed: spent < cap, limitKind: "spend", used: majorText(spent, customer), limit: majorText(cap, customer), remaining: majorText(spent < cap ? cap - spent : 0n, customer) };
}

/** How much one event adds to its metric's counter (sum: the quantity; count: one). */
const increment = (event: PreparedEvent) => (event.metric.aggregation === "count" ? new Dec(1) : new Dec(event.quantity));

/**
 * After a commit: which accepted events took their customer's usage (or the metric's spend)
 * beyond a hard limit in the period under way. Walks each (customer, metric)'s events of this
 * request back from the counter as it now stands. The first time a limit is passed in a period
 * it is recorded as an alert, with a usage.limit_exceeded webhook.
 */
export async function limitBreaches(events: PreparedEvent[], accepted: boolean[], customers: Map<number, CustomerInfo>, nowMs: number): Promise<Set<number>> {
  const breached = new Set<number>();
  const groups = new Map<string, { customer: CustomerInfo; metric: BillableMetric; period: Period; limit: UsageLimit; indices: number[] }>();
  events.forEach((event, i) => {
    const customer = customers.get(event.customerId);
    const limit = customer?.limits.get(event.metric.id);
    if (!accepted[i] || !customer || limit === undefined || !["sum", "count"].includes(event.metric.aggregation)) return;
    const period = customerPeriod(customer, nowMs);
    if (event.period.start.getTime() !== period.start.getTime()) return;
    const key = `${event.customerId}:${event.metric.id}`;
    const group = groups.get(key) ?? { customer, metric: event.metric, period, limit, indices: [] as number[] };
    group.indices.push(i);
    groups.set(key, group);
  });
  for (const group of groups.values()) {
    const { customer, metric, period, limit } = group;
    const cap = limit.kind === "spend" ? limitMinor(customer, limit.value) : 0n;
    // Past the limit at this usage? Quantity: above it. Spend: the metric's charge costs more than it.
    const past = (quantity: Dec) => (limit.kind === "quantity" ? quantity.gt(limit.value) : chargeMinor(customer, metric, quantity.toFixed(), period) > cap);
    let counted: string;
    try {
      counted = (await readCounters(customer.id, [metric], period)).get(metric.id) ?? "0";
    } catch (error) {
      // The events are committed; without live counters their receipts just cannot say more.
      logger.warn({ err: error, customer: customer.externalId }, "limits not checked: live counters unavailable");
      continue;
    }
    let used = new Dec(counted);
    const observed = used;
    if (!past(observed)) continue;
    const before = group.indices.reduce((total, i) => total.minus(increment(events[i])), used);
    if (past(before)) {
      for (const i of group.indices) breached.add(i); // passed before this request
    } else {
      for (const i of [...group.indices].reverse()) {
        if (!past(used)) break;
        breached.add(i);
        used = used.minus(increment(events[i]));
      }
    }
    const observedText = limit.kind === "quantity" ? observed.toFixed() : majorText(chargeMinor(customer, metric, observed.toFixed(), period), customer);
    await recordLimitExceeded(customer, metric, period, limit, observedText);
  }
  return breached;
}

async function recordLimitExceeded(customer: CustomerInfo, metric: BillableMetric, period: Period, limit: UsageLimit, observed: string) {
  const threshold = limit.kind === "spend" ? `spend ${limit.value}` : limit.value;
  const key = alertKey("limit_exceeded", customer.id, metric.id, threshold, period.start.getTime());
  if (isStoredAlert(key)) return;
  try {
    await withWebhookEvents(async (tx, events) => {
      const [alert] = await tx<{ id: string }[]>`
        insert into usage_alerts (customer_id, kind, metric_id, threshold, period_start, observed)
        values (${customer.id}, 'limit_exceeded', ${metric.id}, ${threshold}, ${period.start.toISOString()}::timestamptz, ${observed})
        on conflict do nothing returning id`;
      if (!alert) return;
      events.push(...(await recordWebhookEvent(tx, "usage.limit_exceeded", {
        alertId: Number(alert.id), customer: customer.externalId, metric: metric.code, kind: "limit_exceeded", limitKind: limit.kind, limit: limit.value, observed, periodStart: period.start.toISOString(),
      })));
    });
    rememberStoredAlert(key);
  } catch (error) {
    logger.warn({ err: error, customer: customer.externalId }, "could not record a passed limit; the next event retries");
  }
}

/** Sets (or, with null, removes) a customer's hard limit on a metric, recording the change and the limit it replaced. */
export async function setUsageLimit(
  customer: { id: number; externalId: string },
  metric: { id: number; code: string },
  limit: UsageLimit | null,
  actor?: Actor,
): Promise<void> {
  await inTransaction(async (sql) => {
    // The customer's row is locked so that the limit replaced is the one reported as "before".
    await sql`select id from customers where id = ${customer.id} for no key update`;
    const [row] = await sql<{ quantity: string | null; spend: string | null }[]>`
      select quantity::text, spend::text from usage_limits where customer_id = ${customer.id} and metric_id = ${metric.id}`;
    if (limit === null) await sql`delete from usage_limits where customer_id = ${customer.id} and metric_id = ${metric.id}`;
    else {
      const quantity = limit.kind === "quantity" ? limit.value : null;
      const spend = limit.kind === "spend" ? limit.value : null;
      await sql`insert into usage_limits (customer_id, metric_id, quantity, spend) values (${customer.id}, ${metric.id}, ${quantity}::numeric, ${spend}::numeric)
                on conflict (customer_id, metric_id) do update set quantity = excluded.quantity, spend = excluded.spend`;
    }
    const before: UsageLimit | null = !row ? null : row.spend !== null ? { kind: "spend", value: row.spend } : { kind: "quantity", value: row.quantity! };
    await recordAudit(actor, { action: "customer.limit_set", entityType: "customer", entityId: customer.externalId, before: { metric: metric.code, limit: before }, after: { metric: metric.code, limit } }, sql);
  });
}
