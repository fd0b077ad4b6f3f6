import type { ReservedSql } from "postgres";
import { sqlClient } from "@/lib/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { applyCounters } from "./apply";
import { deliveryValuesSql, isoTimestampSql, scheduleDeliveries, subscribedSql, webhookBodySql } from "@/lib/webhooks/events";
import type { UsageThreshold } from "./alerts";
import { alertKey, isStoredAlert, rememberStoredAlert } from "./stored-alerts";
import { counterValueSql, type CountedEvent } from "./counters";
import { arrayLiteral } from "@/lib/db/array-literal";
import { isUniqueViolation, PlainInsertSwitch } from "@/lib/db/plain-insert";

/** An event that passed validation and lookup, ready to be stored. */
export type PreparedEvent = CountedEvent & {
  customerId: number;
  properties: string | null; // JSON
  /** Usage alert thresholds of this event's customer, metric and period (see alerts.ts). */
  thresholds: UsageThreshold[];
};

export type StoreOutcome = "accepted" | "duplicate" | "period_closed";
type Pending = { events: PreparedEvent[]; resolve: (outcomes: StoreOutcome[]) => void; reject: (error: unknown) => void };

/** After a flush meets a duplicate, the flushes of this long skip the plain INSERT. */
export const DEDUPE_AFTER_DUPLICATE_MS = 1_000;

/** Advisory-lock namespace shared with reconcile: flushes hold it shared per customer. */
export const COUNTER_LOCK_NAMESPACE = 7301;

/**
 * Group commit: requests arriving while flushes are in flight are stored together in one
 * multi-row INSERT (plain, or ON CONFLICT DO NOTHING after a duplicate; one commit, one fsync),
 * and only the rows it returns update Redis, in one round trip. A few flushes run at once so
 * Node, Postgres and Redis overlap. Each flush holds a shared advisory lock per customer from
 * before its insert until its counters are applied, so a rebuild (exclusive lock) never sees
 * half of a flush.
 */
export class GroupCommitter {
  /** Deadlocks met and retried (none expected: every flush locks in the same order). */
  deadlocksRetried = 0;
  private queue: Pending[] = [];
  private queued = 0;
  private inFlight = 0;
  /** Outbox rows whose counters are applied; deleted by the next flush's statement. */
  private appliedOutbox: number[] = [];
  /** Flushes insert with ON CONFLICT DO NOTHING for a while once a duplicate was seen. */
  private readonly inserts = new PlainInsertSwitch(DEDUPE_AFTER_DUPLICATE_MS);

  /** Deletes applied outbox rows when no flush came along to do it. */
  async clearApplied() {
    const done = this.appliedOutbox.splice(0);
    if (done.length === 0) return;
    try {
      const sql = sqlClient();
      await sql`delete from counter_outbox where id = any(${sql.array(done)}::int8[])`;
    } catch (error) {
      this.appliedOutbox.push(...done);
      throw error;
    }
  }

  submit(events: PreparedEvent[]): Promise<StoreOutcome[]> {
    if (events.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.queued += events.length;
      this.pump();
    });
  }

  private pump() {
    const { INGEST_FLUSHES_IN_FLIGHT, INGEST_MAX_GROUP } = env();
    while (this.inFlight < INGEST_FLUSHES_IN_FLIGHT && this.queue.length > 0) {
      const group: Pending[] = [];
      let size = 0;
      while (this.queue.length > 0 && (group.length === 0 || size + this.queue[0].events.length <= INGEST_MAX_GROUP)) {
        const next = this.queue.shift()!;
        group.push(next);
        size += next.events.length;
      }
      this.queued -= size;
      this.inFlight += 1;
      void this.flush(group).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async flush(group: Pending[]) {
    try {
      const results = await this.store(group.flatMap((pending) => pending.events));
      let offset = 0;
      for (const pending of group) {
        pending.resolve(results.slice(offset, offset + pending.events.length));
        offset += pending.events.length;
      }
    } catch (error) {
      for (const pending of group) pending.reject(error);
    }
  }

  /** Returns, per event in input order, what became of it. */
  private async store(events: PreparedEvent[]): Promise<StoreOutcome[]> {
    // Rows go in key order so concurrent flushes with overlapping duplicates cannot deadlock.
    const order = events.map((_, i) => i);
    order.sort((a, b) => {
      const x = events[a];
      const y = events[b];
      if (x.customerId !== y.customerId) return x.customerId - y.customerId;
      return x.eventId < y.eventId ? -1 : x.eventId > y.eventId ? 1 : a - b;
    });
    const outcomes = new Array<StoreOutcome>(events.length).fill("duplicate");
    const unique: number[] = [];
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      const previous = k > 0 ? events[order[k - 1]] : undefined;
      if (previous && previous.customerId === events[i].customerId && previous.eventId === events[i].eventId) continue;
      unique.push(i);
    }
    const customerIds = [...new Set(unique.map((i) => events[i].customerId))];
    const connection = await sqlClient().reserve();
    try {
      await connection`select pg_advisory_lock_shared(${COUNTER_LOCK_NAMESPACE}, c) from unnest(${connection.array(customerIds)}::int4[]) as c`;
      const { outboxId, inserted, deliveries } = await this.insert(connection, events, unique);
      void scheduleDeliveries(deliveries);
      const fresh: PreparedEvent[] = [];
      const unsure: number[] = [];
      for (let k = 0; k < unique.length; k++) {
        const i = unique[k];
        if (inserted[k] === 1) {
          outcomes[i] = "accepted";
          fresh.push(events[i]);
        } else {
          unsure.push(i);
        }
      }
      // Rows left out either existed already or fell in a closed period: tell them apart.
      if (unsure.length > 0) {
        const existing = await connection<{ customer_id: string; event_id: string }[]>`
          select customer_id, event_id from usage_events
          where (customer_id, event_id) in (select * from unnest(${connection.array(unsure.map((i) => events[i].customerId))}::int8[],
                                                                 ${connection.array(unsure.map((i) => events[i].eventId))}::text[]))`;
        const found = new Set(existing.map((row) => `${row.customer_id}\u0000${row.event_id}`));
        for (const i of unsure) if (!found.has(`${events[i].customerId}\u0000${events[i].eventId}`)) outcomes[i] = "period_closed";
      }
      if (outboxId !== null && (await applyCounters(outboxId, fresh))) this.appliedOutbox.push(outboxId);
    } finally {
      await connection`select pg_advisory_unlock_all()`.catch(() => {});
      connection.release();
    }
    return outcomes;
  }

  private async insert(connection: ReservedSql, events: PreparedEvent[], rows: number[]) {
    const done = this.appliedOutbox.splice(0);
    const column = <T>(pick: (event: PreparedEvent) => T) => rows.map((i) => pick(events[i]));
    const thresholds = alertThresholds(events, rows);
    const latestMetricIds = [...new Set(rows.filter((i) => events[i].metric.aggregation === "latest").map((i) => events[i].metric.id))];
    let metDuplicate = false;
    for (let attempt = 1; ; attempt++) {
      // Fresh events are the rule and duplicates come in bursts (a client retrying), so a plain
      // INSERT goes first: it checks the unique key while inserting, where ON CONFLICT probes the
      // index once more per row. A duplicate makes it fail whole (one statement, nothing kept);
      // the group is then stored with ON CONFLICT DO NOTHING, as are the groups of the next second
      // (and for as long as repeats keep coming).
      const plain = !metDuplicate && this.inserts.plain;
      try {
        const [result] = await connection<{ outbox_id: string | null; deliveries: string[] | null; reached: string[] | null; inserted: string | null }[]>`
          with input as (
            select *, timestamptz 'epoch' + ts_ms * interval '1 millisecond' as ts from unnest(
              ${arrayLiteral(column((e) => e.customerId))}::int8[], ${arrayLiteral(column((e) => e.eventId))}::text[],
              ${arrayLiteral(column((e) => e.metric.id))}::int4[], ${arrayLiteral(column((e) => e.timestampMs))}::int8[],
              ${arrayLiteral(column((e) => e.quantity))}::numeric[], ${arrayLiteral(column((e) => e.properties))}::text[],
              ${arrayLiteral(column((e) => e.period.start.getTime()))}::int8[]
            ) with ordinality as t(customer_id, event_id, metric_id, ts_ms, quantity, properties, period_ms, n)
          ), closed_until as (
            -- No event at or after the end of a customer's last finalized (or paid, void) invoice
            -- can fall in a closed period: one look per customer spares most rows the check below.
            select c.customer_id, (select max(i.period_end) from invoices i where i.customer_id = c.customer_id and i.status <> 'draft') as until
            from (select distinct customer_id from input) as c
          ), accepted as (
            -- A period whose invoice is finalized takes no more usage (checked under the lock
            -- that finalization takes exclusively, so no event slips in while it happens).
            select t.* from input t join closed_until cu using (customer_id)
            where case when cu.until is null or t.ts >= cu.until then true
              else not exists (select 1 from (select i.status, i.period_end from invoices i
                                 where i.customer_id = t.customer_id and i.period_start <= t.ts
                                 order by i.period_start desc limit 1) as last_invoice
                               where last_invoice.status <> 'draft' and last_invoice.period_end > t.ts) end
            -- Key order, as sent: the join above need not keep it, and inserts rely on it.
            order by t.n
          ), ins as (
            insert into usage_events (customer_id, event_id, metric_id, "timestamp", quantity, properties)
            select customer_id, event_id, metric_id, ts, quantity, properties::jsonb from accepted
            ${plain ? connection`` : connection`on conflict do nothing`}
            returning customer_id, event_id
          ), fresh as (
            -- Read from the insert in both forms, so the events are written before the totals
            -- below (a data-modifying CTE nothing reads runs last): every flush, plain or not,
            -- locks event keys first and totals rows second, and a repeat fails before the rest.
            select a.* from accepted a join ins using (customer_id, event_id)
          ), totals as (
            -- Rows in key order, so concurrent flushes lock the same totals in the same order. The
            -- latest value is worked out for metrics aggregated by it only.
            insert into usage_period_totals as t
              (customer_id, metric_id, period_start, event_count, quantity_sum, quantity_max, latest_key, latest_quantity)
            select i.customer_id, i.metric_id, timestamptz 'epoch' + i.period_ms * interval '1 millisecond',
              count(*), sum(i.quantity), max(i.quantity),
              ${latestMetricIds.length === 0 ? connection`'', 0` : connection`coalesce(max((lpad(i.ts_ms::text, 20, '0') || '|' || i.event_id) collate "C")
                filter (where i.metric_id = any(${connection.array(latestMetricIds)}::int4[])), ''),
              coalesce((array_agg(i.quantity order by (lpad(i.ts_ms::text, 20, '0') || '|' || i.event_id) collate "C" desc)
                filter (where i.metric_id = any(${connection.array(latestMetricIds)}::int4[])))[1], 0)`}
            from fresh i
            group by i.customer_id, i.metric_id, i.period_ms
            order by i.customer_id, i.metric_id, i.period_ms
            on conflict (customer_id, metric_id, period_start) do update set
              event_count = t.event_count + excluded.event_count,
              quantity_sum = t.quantity_sum + excluded.quantity_sum,
              quantity_max = greatest(t.quantity_max, excluded.quantity_max),
              latest_key = greatest(t.latest_key, excluded.latest_key),
              latest_quantity = case when excluded.latest_key > t.latest_key then excluded.latest_quantity else t.latest_quantity end
            returning t.customer_id, t.metric_id, t.period_start, t.event_count, t.quantity_sum, t.quantity_max, t.latest_quantity
          )${thresholds.percents.length === 0 ? connection`` : connection`, reached as (
            -- Usage alerts, in the same statement as the totals they are checked against: every
            -- threshold the new total has reached gets a row, and the unique key makes each fire
            -- once per customer, metric, threshold and period, however many flushes cross it.
            select th.customer_id, th.metric_id, th.percent, th.period_ms, tr.period_start, v.value
            from unnest(${connection.array(thresholds.customerIds)}::int8[], ${connection.array(thresholds.metricIds)}::int4[],
                        ${connection.array(thresholds.periodMs)}::int8[], ${connection.array(thresholds.percents)}::text[],
                        ${connection.array(thresholds.quantities)}::numeric[]) as th(customer_id, metric_id, period_ms, percent, quantity)
            join totals tr on tr.customer_id = th.customer_id and tr.metric_id = th.metric_id
              and tr.period_start = timestamptz 'epoch' + th.period_ms * interval '1 millisecond'
            join billable_metrics m on m.id = th.metric_id
            cross join lateral (select ${counterValueSql(connection, "tr", "m")} as value) as v
            where v.value >= th.quantity
          ), alerts as (
            insert into usage_alerts (customer_id, kind, metric_id, threshold, period_start, observed)
            select customer_id, 'usage_percent', metric_id, percent, period_start, value::text from reached
            order by customer_id, metric_id, percent
            on conflict do nothing
            returning id, customer_id, metric_id, threshold, period_start, observed
          ), alert_deliveries as (
            -- Their webhooks are recorded with them: an alert that fired always has its deliveries.
            insert into webhook_deliveries (endpoint_id, event_type, message_id, payload)
            select ${deliveryValuesSql(connection, "usage.threshold_reached", webhookBodySql(connection, "usage.threshold_reached", connection`jsonb_build_object(
                'alertId', a.id, 'customer', c.external_id, 'metric', m.code, 'kind', 'usage_percent',
                'threshold', a.threshold, 'observed', a.observed, 'periodStart', ${isoTimestampSql(connection, connection`a.period_start`)})`))}
            from alerts a join customers c on c.id = a.customer_id join billable_metrics m on m.id = a.metric_id
            cross join webhook_endpoints e
            where ${subscribedSql(connection, "usage.threshold_reached")}
            order by a.id, e.id
            returning id
          )`}, outbox as (
            insert into counter_outbox (customer_ids)
            select array_agg(distinct customer_id order by customer_id) from fresh having count(*) > 0
            returning id
          ), cleared as (
            delete from counter_outbox where id = any(${connection.array(done)}::int8[])
          )
          select (select id from outbox) as outbox_id,
            ${thresholds.percents.length === 0 ? connection`null::int8[] as deliveries, null::text[] as reached` : connection`(select array_agg(id) from alert_deliveries) as deliveries,
              (select array_agg(customer_id || ':' || metric_id || ':' || percent || ':' || period_ms) from reached) as reached`},
            (select string_agg(n::text, ',') from fresh) as inserted`;
        // Committed (one statement): thresholds reached now have their alert, new or not.
        for (const reached of result.reached ?? []) {
          const [customerId, metricId, percent, periodMs] = reached.split(":");
          rememberStoredAlert(alertKey("usage_percent", Number(customerId), Number(metricId), percent, Number(periodMs)));
        }
        // The rows inserted, as their 1-based positions among the rows sent (one string instead
        // of a returned row per event).
        const inserted = new Uint8Array(rows.length);
        let count = 0;
        if (result.inserted) {
          for (const n of result.inserted.split(",")) {
            inserted[Number(n) - 1] = 1;
            count++;
          }
        }
        // Rows still skipped (repeats, or events of a closed period, which a plain insert would
        // keep out too): keep skipping the plain insert while they come.
        if (!plain && count < rows.length) this.inserts.conflicted();
        return {
          deliveries: result.deliveries ? result.deliveries.map(Number) : [],
          outboxId: result.outbox_id !== null ? Number(result.outbox_id) : null,
          inserted,
        };
      } catch (error) {
        if (plain && isUniqueViolation(error, "usage_events_pkey")) {
          this.inserts.conflicted();
          metDuplicate = true;
          attempt -= 1;
          continue;
        }
        // A deadlock cannot happen with ordered rows; retry anyway rather than lose a group.
        if ((error as { code?: string }).code === "40P01" && attempt < 3) {
          this.deadlocksRetried += 1;
          logger.warn({ err: error, attempt }, "group commit deadlocked; retrying");
          continue;
        }
        this.appliedOutbox.push(...done);
        logger.error({ err: error }, "group commit failed");
        throw error;
      }
    }
  }
}

/**
 * One row per (customer, metric, period, threshold) among the rows of a flush, as columns;
 * thresholds whose alert this process knows is stored are left out.
 */
function alertThresholds(events: PreparedEvent[], rows: number[]) {
  const columns = { customerIds: [] as number[], metricIds: [] as number[], periodMs: [] as number[], percents: [] as string[], quantities: [] as string[] };
  const seen = new Set<string>();
  for (const i of rows) {
    const event = events[i];
    if (event.thresholds.length === 0) continue;
    const key = `${event.customerId}:${event.metric.id}:${event.period.start.getTime()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const threshold of event.thresholds) {
      if (isStoredAlert(alertKey("usage_percent", event.customerId, event.metric.id, threshold.percent, event.period.start.getTime()))) continue;
      columns.customerIds.push(event.customerId);
      columns.metricIds.push(event.metric.id);
      columns.periodMs.push(event.period.start.getTime());
      columns.percents.push(threshold.percent);
      columns.quantities.push(threshold.quantity);
    }
  }
  return columns;
}

const holder = globalThis as unknown as { meterlineCommitter?: GroupCommitter };

export function groupCommitter(): GroupCommitter {
  holder.meterlineCommitter ??= new GroupCommitter();
  return holder.meterlineCommitter;
}
