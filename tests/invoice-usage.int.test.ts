import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { usageByWindow } from "@/lib/billing/invoice-usage";
import type { BillableMetric } from "@/lib/db/schema";
import { resetState, testSql } from "./helpers/fixtures";

/**
 * The invoice run reads a chunk's usage from the running totals. With a few hundred customers per
 * chunk against a table of thousands of totals, the planner liked a hash join over the whole table
 * (a sequential scan per chunk); the read is written so that each window is one index lookup.
 */
describe("usage read for invoices", () => {
  const sql = testSql();
  const period = { start: new Date("2026-10-01T00:00:00Z"), end: new Date("2026-11-01T00:00:00Z") };

  beforeAll(async () => {
    await resetState();
    await sql`insert into billable_metrics (code, name, unit, aggregation, property, decimals) values
      ('api_calls', 'API calls', 'call', 'sum', null, 0), ('peak', 'Peak', 'rps', 'max', null, 0), ('storage_gb', 'Storage', 'GB', 'latest', null, 3)`;
    // 4,000 customers x 3 metrics x 2 periods of totals; customer c used c calls, peak c % 50, storage c / 1000.
    await sql`insert into usage_period_totals (customer_id, metric_id, period_start, event_count, quantity_sum, quantity_max, latest_key, latest_quantity)
      select c, m, p, 1, c, c % 50, 'k', c / 1000.0
      from generate_series(1, 4000) c, generate_series(1, 3) m, unnest(array[${period.start.toISOString()}::timestamptz, ${period.end.toISOString()}::timestamptz]) p`;
    await sql`analyze usage_period_totals`;
  });

  afterAll(async () => {
    await sql.end();
  });

  it("looks each window up through the index (no sequential scan of the totals) and reads the right values", async () => {
    const metrics = (await sql<BillableMetric[]>`select id, code, name, unit, aggregation, property, decimals from billable_metrics order by id`).map((m) => ({ ...m, id: Number(m.id) }));
    const connection = await sql.reserve();
    try {
      const scans = async () => {
        await connection`select pg_stat_force_next_flush()`;
        await connection`select pg_stat_clear_snapshot()`;
        const [row] = await connection<{ seq: number; idx: number }[]>`select seq_scan::int as seq, idx_scan::int as idx from pg_stat_user_tables where relname = 'usage_period_totals'`;
        return row;
      };
      const before = await scans();
      const windows = Array.from({ length: 500 }, (_, i) => ({ customerId: 1 + i * 7, period }));
      // A fresh statement on this connection: the first executions get custom plans, which is where the hash join came from.
      const usage = await usageByWindow(connection as unknown as typeof sql, windows, metrics);
      const after = await scans();
      expect(after.seq - before.seq).toBe(0);
      expect(after.idx - before.idx).toBeGreaterThanOrEqual(windows.length);
      expect(windows[10].customerId).toBe(71);
      expect(usage[10]).toEqual(new Map([["api_calls", "71"], ["peak", "21"], ["storage_gb", "0.071"]]));
      expect(usage).toHaveLength(windows.length);
    } finally {
      connection.release();
    }
  });
});
