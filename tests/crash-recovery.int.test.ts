import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { periodContaining } from "@/lib/billing/periods";
import { REPAIR_BOUND_MS } from "@/lib/metering/maintenance";
import { closeRedis } from "@/lib/redis/client";
import { apiClient } from "./helpers/api";
import { counterMismatches, customerIds, loadMetrics } from "./helpers/counters";
import { createFixtures, eventually, resetState, testSql } from "./helpers/fixtures";
import { ingestLoad } from "./helpers/load";
import { startServer, type TestServer } from "./helpers/server";

const CUSTOMERS = Array.from({ length: 10 }, (_, i) => `cus_crash_${i}`);

describe("the app process dies", () => {
  const sql = testSql();
  let server: TestServer;
  const period = () => periodContaining(new Date(), { interval: "month", anchor: null });

  beforeAll(async () => {
    await resetState();
    server = await startServer();
    await createFixtures(apiClient(server.url), CUSTOMERS);
  });

  afterAll(async () => {
    await server?.stop();
    await sql.end();
    await closeRedis();
  });

  it("SIGKILL under ingest load: every acknowledged event is stored and counters converge within the bound", async () => {
    const load = ingestLoad(apiClient(server.url), { customers: CUSTOMERS, clients: 6, batch: 100, prefix: "crash" });
    await new Promise((r) => setTimeout(r, 2_500));
    await server.kill();
    await load.stop();
    const ids = [...load.acknowledged];
    expect(ids.length).toBeGreaterThan(0);

    server = await startServer({ port: server.port });
    const restarted = Date.now();
    const [{ found }] = await sql<{ found: number }[]>`select count(*)::int as found from usage_events where event_id in (select jsonb_array_elements_text(${sql.json(ids)}))`;
    expect(found).toBe(ids.length);

    const keys = await customerIds(sql, CUSTOMERS);
    const metrics = await loadMetrics(sql);
    await eventually(async () => (await counterMismatches(sql, keys, metrics, period())).length === 0, REPAIR_BOUND_MS + 5_000, "counters did not converge within the bound");
    expect(Date.now() - restarted).toBeLessThanOrEqual(REPAIR_BOUND_MS + 5_000);
  });

  it("a commit whose counter update never happened is repaired from the outbox within the bound", async () => {
    // Exactly the state a crash between the Postgres commit and the Redis update leaves behind:
    // events and their outbox row committed, counters untouched.
    const [customer] = await customerIds(sql, [CUSTOMERS[0]]);
    const metrics = await loadMetrics(sql);
    const apiCalls = metrics.find((m) => m.code === "api_calls")!;
    await sql.begin(async (tx) => {
      await tx`insert into usage_events (customer_id, event_id, metric_id, "timestamp", quantity)
               select ${customer}, 'orphan-' || g, ${apiCalls.id}, now() - interval '1 minute', 2.5 from generate_series(1, 40) g`;
      await tx`insert into counter_outbox (customer_ids) values (${sql.array([customer])}::int8[])`;
      // The running totals are written in the same statement as events, so they are in step too.
      await tx`insert into usage_period_totals (customer_id, metric_id, period_start, event_count, quantity_sum, quantity_max, latest_key, latest_quantity)
               values (${customer}, ${apiCalls.id}, ${period().start.toISOString()}, 40, 100, 2.5, '0', 2.5)
               on conflict (customer_id, metric_id, period_start) do update set
                 event_count = usage_period_totals.event_count + 40, quantity_sum = usage_period_totals.quantity_sum + 100`;
    });
    const orphaned = Date.now();
    expect((await counterMismatches(sql, [customer], metrics, period())).length).toBeGreaterThan(0);
    await eventually(async () => (await counterMismatches(sql, [customer], metrics, period())).length === 0, REPAIR_BOUND_MS + 2_000, "orphan not repaired within the bound");
    expect(Date.now() - orphaned).toBeLessThanOrEqual(REPAIR_BOUND_MS + 2_000);
    const [{ left }] = await sql<{ left: number }[]>`select count(*)::int as left from counter_outbox where created_at < now() - interval '1 minute'`;
    expect(left).toBe(0);
  });
});
