import { randomUUID } from "node:crypto";
import { sqlClient } from "@/lib/db/client";
import { db } from "@/lib/db/client";
import { allCustomerIds } from "@/lib/db/queries/catalog";
import type { BillableMetric } from "@/lib/db/schema";
import { nextPeriod, periodContaining, previousPeriod, type Period, type PeriodRule } from "@/lib/billing/periods";
import { counterPipe, redis } from "@/lib/redis/client";
import { defineScripts, REPLACE_SCRIPT } from "@/lib/redis/scripts";
import { appliedMarkerKey, COUNTERS_EPOCH_KEY, COUNTERS_READY_KEY, MARKER_TTL_SECONDS } from "@/lib/redis/keys";
import { loadCustomersById, metricsById } from "./catalog";
import { counterArguments, emptyState, type CounterState } from "./counters";
import { COUNTER_LOCK_NAMESPACE } from "./group-commit";
import { toScaled } from "./quantity";

/** Customers rebuilt under one lock: small, so ingestion waits briefly for any one chunk. */
const CHUNK = 50;

/** The periods whose live counters matter: the previous, the current and the next. */
export function livePeriods(rule: PeriodRule, now = new Date()): Period[] {
  const current = periodContaining(now, rule);
  return [previousPeriod(current, rule), current, nextPeriod(current, rule)];
}

type AggregateRow = {
  customer_id: string;
  period_start_ms: string;
  metric_id: number;
  n: string;
  total: string | null;
  peak: string | null;
  latest_key: string | null;
  latest_value: string | null;
  distinct_values: string[] | null;
};

/**
 * Usage per customer, metric and period from Postgres: the running totals written with the
 * events (sum, count, max, latest), plus the distinct values of unique_count metrics from the
 * raw events. This is the definition every live counter must equal.
 */
export async function aggregateUsage(
  connection: ReturnType<typeof sqlClient>,
  windows: { customerId: number; period: Period }[],
): Promise<AggregateRow[]> {
  if (windows.length === 0) return [];
  const customerIds = connection.array(windows.map((w) => w.customerId));
  const starts = connection.array(windows.map((w) => w.period.start.toISOString()));
  const ends = connection.array(windows.map((w) => w.period.end.toISOString()));
  const rows = await connection<AggregateRow[]>`
    select w.customer_id, (extract(epoch from w.period_start) * 1000)::int8::text as period_start_ms, t.metric_id,
      t.event_count::text as n, t.quantity_sum::text as total, t.quantity_max::text as peak,
      t.latest_key, t.latest_quantity::text as latest_value, null::text[] as distinct_values
    from unnest(${customerIds}::int8[], ${starts}::timestamptz[]) as w(customer_id, period_start)
    join usage_period_totals t on t.customer_id = w.customer_id and t.period_start = w.period_start`;
  const unique = [...(await metricsById()).values()].filter((m) => m.aggregation === "unique_count");
  if (unique.length === 0 || rows.length === 0) return rows;
  const distinct = await connection<{ customer_id: string; period_start_ms: string; metric_id: number; distinct_values: string[] }[]>`
    select w.customer_id, (extract(epoch from w.period_start) * 1000)::int8::text as period_start_ms, e.metric_id,
      array_agg(distinct e.properties ->> m.property) as distinct_values
    from unnest(${customerIds}::int8[], ${starts}::timestamptz[], ${ends}::timestamptz[]) as w(customer_id, period_start, period_end)
    join usage_events e on e.customer_id = w.customer_id and e.metric_id = any(${connection.array(unique.map((m) => m.id))}::int4[])
      and e."timestamp" >= w.period_start and e."timestamp" < w.period_end
    join billable_metrics m on m.id = e.metric_id
    group by w.customer_id, w.period_start, e.metric_id`;
  const byKey = new Map(distinct.map((d) => [`${d.customer_id}:${d.metric_id}:${d.period_start_ms}`, d.distinct_values]));
  for (const row of rows) row.distinct_values = byKey.get(`${row.customer_id}:${row.metric_id}:${row.period_start_ms}`) ?? null;
  return rows;
}

const stripZeros = (value: string) => (value.includes(".") ? value.replace(/\.?0+$/, "") : value);

export function rowToState(row: AggregateRow, metric: BillableMetric, period: Period): CounterState {
  const state = emptyState(metric, period);
  state.count = BigInt(row.n);
  state.sum = row.total ? toScaled(stripZeros(row.total), metric.decimals) : 0n;
  state.max = row.peak ? toScaled(stripZeros(row.peak), metric.decimals) : null;
  state.latestKey = row.latest_key;
  state.latestValue = row.latest_value ? stripZeros(row.latest_value) : null;
  state.distinct = (row.distinct_values ?? []).filter((v): v is string => v !== null);
  return state;
}

/**
 * Rebuilds the live counters of these customers exactly from Postgres. Each chunk holds the
 * exclusive counter lock of its customers, so no group commit is between its insert and its
 * counter update meanwhile; outbox rows of those customers are marked applied in the same
 * script, so a late apply of one of them is ignored.
 */
export async function reconcileCustomers(customerIds: number[], now = new Date()): Promise<number> {
  const metrics = [...(await metricsById()).values()];
  const sorted = [...new Set(customerIds)].sort((a, b) => a - b);
  let rebuilt = 0;
  for (let i = 0; i < sorted.length; i += CHUNK) {
    const chunk = sorted.slice(i, i + CHUNK);
    const customers = await loadCustomersById(chunk, now);
    const connection = await sqlClient().reserve();
    try {
      await connection`select pg_advisory_lock(${COUNTER_LOCK_NAMESPACE}, c) from unnest(${connection.array(chunk)}::int4[]) as c`;
      const windows = customers.flatMap((customer) =>
        livePeriods(customer.rule, now).map((period) => ({ customerId: customer.id, period })),
      );
      const rows = await aggregateUsage(connection as unknown as ReturnType<typeof sqlClient>, windows);
      const outbox = await connection<{ id: string; customer_ids: string[] }[]>`
        select id, customer_ids from counter_outbox where customer_ids && ${connection.array(chunk)}::int8[]`;
      const rowsByKey = new Map(rows.map((r) => [`${r.customer_id}:${r.metric_id}:${r.period_start_ms}`, r]));
      const pipe = counterPipe();
      const sha = pipe.script(REPLACE_SCRIPT);
      const commands: string[][] = [];
      for (const customer of customers) {
        const states: CounterState[] = [];
        for (const period of livePeriods(customer.rule, now)) {
          for (const metric of metrics) {
            const row = rowsByKey.get(`${customer.id}:${metric.id}:${period.start.getTime()}`);
            states.push(row ? rowToState(row, metric, period) : emptyState(metric, period));
          }
        }
        const markers = outbox
          .filter((row) => row.customer_ids.map(Number).includes(customer.id))
          .map((row) => appliedMarkerKey(customer.id, Number(row.id)));
        const { keys, argv } = counterArguments(customer.id, states);
        commands.push(["EVALSHA", sha, String(markers.length + keys.length), ...markers, ...keys, String(MARKER_TTL_SECONDS), String(markers.length), ...argv]);
      }
      const replies = await pipe.exec(commands);
      const failed = replies.find((reply) => reply instanceof Error);
      if (failed) throw failed;
      rebuilt += customers.length;
    } finally {
      await connection`select pg_advisory_unlock_all()`.catch(() => {});
      connection.release();
    }
  }
  return rebuilt;
}

/**
 * Rebuilds every customer's counters, then marks the counters ready, unless Redis lost its data
 * again meanwhile (the epoch token changed), in which case the next check rebuilds once more.
 */
export async function reconcileAll(onProgress?: (done: number, total: number) => void): Promise<{ customers: number; ready: boolean }> {
  const connection = defineScripts(redis());
  const epoch = randomUUID();
  await connection.set(COUNTERS_EPOCH_KEY, epoch);
  const customers = await allCustomerIds(db());
  const ids = customers.map((c) => c.id);
  let done = 0;
  for (let i = 0; i < ids.length; i += CHUNK * 5) {
    done += await reconcileCustomers(ids.slice(i, i + CHUNK * 5));
    onProgress?.(done, ids.length);
  }
  const ready = (await connection.meterlineMarkReady(2, COUNTERS_READY_KEY, COUNTERS_EPOCH_KEY, epoch)) === 1;
  return { customers: done, ready };
}
