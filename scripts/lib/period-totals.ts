import type postgres from "postgres";

/**
 * Recomputes usage_period_totals from the raw events, for data bulk-loaded straight into the
 * event log (demo seed, benchmark preload) by customers billed in calendar months.
 */
export async function rebuildCalendarMonthTotals(sql: postgres.Sql) {
  await sql`delete from usage_period_totals`;
  await sql`
    insert into usage_period_totals (customer_id, metric_id, period_start, event_count, quantity_sum, quantity_max, latest_key, latest_quantity)
    select customer_id, metric_id, date_trunc('month', "timestamp" at time zone 'UTC') at time zone 'UTC',
      count(*), sum(quantity), max(quantity),
      max((lpad(((extract(epoch from "timestamp") * 1000)::int8)::text, 20, '0') || '|' || event_id) collate "C"),
      (array_agg(quantity order by (lpad(((extract(epoch from "timestamp") * 1000)::int8)::text, 20, '0') || '|' || event_id) collate "C" desc))[1]
    from usage_events
    group by 1, 2, 3`;
}
