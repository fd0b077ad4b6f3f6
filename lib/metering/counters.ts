import type { Sql } from "postgres";
import type { BillableMetric } from "@/lib/db/schema";
import type { Period } from "@/lib/billing/periods";
import { counterKey, uniqueKey } from "@/lib/redis/keys";
import { redis } from "@/lib/redis/client";
import { fromScaled, padScaled, toScaled } from "./quantity";

/** Counter keys outlive their period by this much (late events, invoice checks). */
const COUNTER_RETENTION_MS = 40 * 86_400_000;
const CARRY = 1_000_000_000_000_000n; // sums are kept as hi * 10^15 + lo, so Lua stays exact

/** One event as the counters see it. */
export type CountedEvent = {
  metric: BillableMetric;
  period: Period;
  timestampMs: number;
  eventId: string;
  /** Canonical decimal string (the property's value when the metric reads one). */
  quantity: string;
  /** For unique_count: the canonical distinct value. */
  distinctValue?: string;
};

/** What Postgres (or a batch) says a counter is; the shape both apply and replace use. */
export type CounterState = {
  metric: BillableMetric;
  period: Period;
  count: bigint;
  sum: bigint; // scaled by 10^decimals
  max: bigint | null; // scaled
  latestKey: string | null; // padded ms|event id
  latestValue: string | null;
  distinct: string[];
};

export const latestSortKey = (timestampMs: number, eventId: string) => `${String(timestampMs).padStart(20, "0")}|${eventId}`;

export function emptyState(metric: BillableMetric, period: Period): CounterState {
  return { metric, period, count: 0n, sum: 0n, max: null, latestKey: null, latestValue: null, distinct: [] };
}

/** Folds a customer's new events into one state per (metric, period). */
export function foldEvents(events: CountedEvent[]): CounterState[] {
  const states = new Map<string, CounterState>();
  // A customer's events mostly share metric and period: look the state up only when they change.
  let state: CounterState | undefined;
  for (const event of events) {
    if (!state || state.metric.id !== event.metric.id || state.period.start.getTime() !== event.period.start.getTime()) {
      const id = `${event.metric.id}:${event.period.start.getTime()}`;
      state = states.get(id);
      if (!state) states.set(id, (state = emptyState(event.metric, event.period)));
    }
    state.count += 1n;
    switch (event.metric.aggregation) {
      case "sum":
        state.sum += toScaled(event.quantity, event.metric.decimals);
        break;
      case "max": {
        const value = toScaled(event.quantity, event.metric.decimals);
        if (state.max === null || value > state.max) state.max = value;
        break;
      }
      case "latest": {
        const key = latestSortKey(event.timestampMs, event.eventId);
        // Byte order, as Postgres (COLLATE "C") and the Lua script compare.
        if (state.latestKey === null || Buffer.compare(Buffer.from(key), Buffer.from(state.latestKey)) > 0) {
          state.latestKey = key;
          state.latestValue = event.quantity;
        }
        break;
      }
      case "unique_count":
        if (event.distinctValue !== undefined) state.distinct.push(event.distinctValue);
        break;
      case "count":
        break;
    }
  }
  return [...states.values()];
}

/** KEYS and ARGV (after the script's own leading arguments) for the apply/replace scripts. */
export function counterArguments(customerId: number, states: CounterState[]) {
  const keys: string[] = [];
  const argv: string[] = [];
  for (const state of states) {
    const { metric, period } = state;
    const expireAt = String(Math.ceil((period.end.getTime() + COUNTER_RETENTION_MS) / 1000));
    if (metric.aggregation === "unique_count") {
      keys.push(uniqueKey(customerId, metric.id, period.start));
      argv.push(`${state.distinct.length ? "u" : "-"}:${expireAt}:${state.distinct.length}`, ...state.distinct);
      continue;
    }
    keys.push(counterKey(customerId, metric.id, period.start));
    if (state.count === 0n) {
      argv.push(`-:${expireAt}:0`);
      continue;
    }
    switch (metric.aggregation) {
      case "sum":
        argv.push(`s:${expireAt}:2`, String(state.sum / CARRY), String(state.sum % CARRY));
        break;
      case "count":
        argv.push(`c:${expireAt}:1`, String(state.count));
        break;
      case "max":
        argv.push(`x:${expireAt}:1`, padScaled(state.max ?? 0n));
        break;
      case "latest":
        argv.push(`l:${expireAt}:2`, state.latestKey ?? "", state.latestValue ?? "0");
        break;
    }
  }
  return { keys, argv };
}

/** Live usage of one customer in one period, per metric id, as decimal strings. */
export async function readCounters(customerId: number, metrics: BillableMetric[], period: Period): Promise<Map<number, string>> {
  const pipeline = redis().pipeline();
  for (const metric of metrics) {
    if (metric.aggregation === "unique_count") pipeline.scard(uniqueKey(customerId, metric.id, period.start));
    else pipeline.hgetall(counterKey(customerId, metric.id, period.start));
  }
  const replies = (await pipeline.exec()) ?? [];
  const usage = new Map<number, string>();
  metrics.forEach((metric, i) => {
    const [error, reply] = replies[i] ?? [new Error("no reply"), null];
    if (error) throw error;
    usage.set(metric.id, counterValue(metric, reply as Record<string, string> | number));
  });
  return usage;
}

function counterValue(metric: BillableMetric, reply: Record<string, string> | number): string {
  if (typeof reply === "number") return String(reply);
  switch (metric.aggregation) {
    case "sum":
      return fromScaled(BigInt(reply.hi ?? "0") * CARRY + BigInt(reply.lo ?? "0"), metric.decimals);
    case "count":
      return reply.n ?? "0";
    case "max":
      return reply.v ? fromScaled(BigInt(reply.v), metric.decimals) : "0";
    case "latest":
      return reply.v ?? "0";
    case "unique_count":
      return "0";
  }
}

/**
 * The value of a counter kept in usage_period_totals (alias `totals`) for its metric (alias
 * `metric`): the one SQL definition, used by invoices and by usage alerts. unique_count is not
 * kept in the totals and gives null.
 */
export function counterValueSql(sql: Sql, totals: string, metric: string) {
  return sql`(case ${sql(metric)}.aggregation when 'sum' then ${sql(totals)}.quantity_sum when 'count' then ${sql(totals)}.event_count::numeric
    when 'max' then ${sql(totals)}.quantity_max when 'latest' then ${sql(totals)}.latest_quantity end)`;
}
