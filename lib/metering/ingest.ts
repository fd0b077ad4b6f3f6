import type { BillableMetric } from "@/lib/db/schema";
import { customerPeriod, customersByExternalId, metricsByCode, type CustomerInfo } from "./catalog";
import { usageThresholds } from "./alerts";
import { limitBreaches } from "./limits";
import { checkSpendAlerts, spendThresholds } from "./spend-alerts";
import { eventSchema, MAX_FUTURE_MS, type EventInput, type Receipt, type ReceiptError } from "./event-schema";
import { groupCommitter, type PreparedEvent } from "./group-commit";
import { canonicalPropertyValue, parseQuantity } from "./quantity";
import { EARLIEST_MS } from "@/lib/http/dates";

type Checked = { ok: true; event: EventInput } | { ok: false; id: string | null; error: ReceiptError };

/** Schema check of one event; the first failing field is named in the error. */
export function checkEvent(raw: unknown): Checked {
  const parsed = eventSchema.safeParse(raw);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue.path.map(String).join(".") || "(event)";
  const id = raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string" ? ((raw as { id: string }).id.slice(0, 128)) : null;
  const code = field === "timestamp" ? "invalid_timestamp" : field.startsWith("properties") ? "invalid_properties" : `invalid_${field.split(".")[0]}`;
  return { ok: false, id, error: { code, message: `${field}: ${issue.message}`, field } };
}

function reject(id: string | null, code: string, message: string, field?: string): Receipt {
  return { id, status: "rejected", error: { code, message, ...(field ? { field } : {}) } };
}

/** Turns one schema-valid event into a row to store, or a rejection receipt. */
function prepare(
  event: EventInput,
  customer: CustomerInfo | undefined,
  metric: BillableMetric | undefined,
  nowMs: number,
): PreparedEvent | Receipt {
  if (!customer) return reject(event.id, "unknown_customer", `No customer with external id "${event.customer}".`, "customer");
  if (!metric) return reject(event.id, "unknown_metric", `No billable metric with code "${event.metric}".`, "metric");
  const timestampMs = event.timestamp === undefined ? nowMs : Date.parse(event.timestamp);
  if (timestampMs > nowMs + MAX_FUTURE_MS) {
    return reject(event.id, "timestamp_in_future", "timestamp is more than 5 minutes in the future.", "timestamp");
  }
  if (timestampMs < EARLIEST_MS) return reject(event.id, "timestamp_out_of_range", "timestamp is before the year 2000.", "timestamp");

  let source: string | number = event.quantity ?? 1;
  let field = "quantity";
  let distinctValue: string | undefined;
  if (metric.property) {
    const value = event.properties?.[metric.property];
    field = `properties.${metric.property}`;
    if (value === undefined) {
      return reject(event.id, "missing_property", `Metric ${metric.code} reads the event property "${metric.property}".`, field);
    }
    if (metric.aggregation === "unique_count") {
      distinctValue = canonicalPropertyValue(value);
      source = event.quantity ?? 1;
      field = "quantity";
    } else if (typeof value === "boolean") {
      return reject(event.id, "invalid_quantity", `${field} must be a number or decimal string.`, field);
    } else {
      source = value;
    }
  }
  const period = customerPeriod(customer, timestampMs);
  if (customer.closedPeriodStarts.has(period.start.getTime())) {
    return reject(event.id, "period_closed", `The invoice for the period starting ${period.start.toISOString()} is finalized.`, "timestamp");
  }
  const quantity = parseQuantity(source, metric.decimals);
  if (!quantity.ok) {
    const message =
      quantity.error === "too_many_decimals"
        ? `${field} has more than ${metric.decimals} decimal places (metric ${metric.code}).`
        : quantity.error === "negative_quantity"
          ? `${field} must not be negative.`
          : `${field} must be a finite decimal such as "1.5".`;
    return reject(event.id, quantity.error, message, field);
  }
  return {
    customerId: customer.id,
    eventId: event.id,
    metric,
    period,
    timestampMs,
    quantity: quantity.value,
    distinctValue,
    properties: event.properties ? JSON.stringify(event.properties) : null,
    thresholds: usageThresholds(customer, metric, period, customerPeriod(customer, nowMs)),
  };
}

/**
 * Validates, stores and counts a batch of raw events. Receipts come back in input order; the
 * promise resolves only after the accepted events are committed in Postgres.
 */
export async function ingestEvents(raws: unknown[], nowMs = Date.now()): Promise<Receipt[]> {
  const receipts: (Receipt | null)[] = new Array(raws.length).fill(null);
  const valid: { index: number; event: EventInput }[] = [];
  raws.forEach((raw, index) => {
    const checked = checkEvent(raw);
    if (checked.ok) valid.push({ index, event: checked.event });
    else receipts[index] = { id: checked.id, status: "rejected", error: checked.error };
  });
  const [customers, metrics] = await Promise.all([
    customersByExternalId(valid.map((v) => v.event.customer), nowMs),
    metricsByCode(valid.map((v) => v.event.metric)),
  ]);
  const prepared: PreparedEvent[] = [];
  const preparedIndex: number[] = [];
  for (const { index, event } of valid) {
    const result = prepare(event, customers.get(event.customer), metrics.get(event.metric), nowMs);
    if ("status" in result) receipts[index] = result;
    else {
      prepared.push(result);
      preparedIndex.push(index);
    }
  }
  const outcomes = await groupCommitter().submit(prepared);
  const byId = new Map([...customers.values()].map((c) => [c.id, c]));
  const breached = byId.size > 0 && [...byId.values()].some((c) => c.limits.size > 0)
    ? await limitBreaches(prepared, outcomes.map((o) => o === "accepted"), byId, nowMs)
    : new Set<number>();
  const withSpendAlerts = [...byId.values()].filter((c) => spendThresholds(c).length > 0);
  const withNewUsage = withSpendAlerts.length > 0 ? new Set(prepared.flatMap((e, k) => (outcomes[k] === "accepted" ? [e.customerId] : []))) : null;
  const spenders = withSpendAlerts.filter((c) => withNewUsage?.has(c.id));
  if (spenders.length > 0) await checkSpendAlerts(spenders, nowMs);
  preparedIndex.forEach((index, k) => {
    const id = prepared[k].eventId;
    receipts[index] =
      outcomes[k] === "period_closed"
        ? { id, status: "rejected", error: { code: "period_closed", message: "The invoice for this event's period is finalized.", field: "timestamp" } }
        : breached.has(k)
          ? { id, status: "accepted", limitExceeded: true }
          : { id, status: outcomes[k] as "accepted" | "duplicate" };
  });
  return receipts as Receipt[];
}
