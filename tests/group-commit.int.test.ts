import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { createCustomer } from "@/lib/billing/customers";
import { closeDb } from "@/lib/db/client";
import { customerPeriod, customersByExternalId, metricsByCode } from "@/lib/metering/catalog";
import { GroupCommitter, type PreparedEvent } from "@/lib/metering/group-commit";
import { defineMetric } from "@/lib/metering/metrics";
import { closeRedis } from "@/lib/redis/client";
import { counterMismatches, loadMetrics, totalsMismatches } from "./helpers/counters";
import { resetState, testSql } from "./helpers/fixtures";

describe("group commit", () => {
  const sql = testSql();

  beforeAll(async () => {
    await resetState();
    await defineMetric({ code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 0 });
    await createCustomer({ externalId: "cus_gc", name: "Racing", email: "gc@example.test" });
  });

  afterAll(async () => {
    await sql.end();
    await closeDb();
    await closeRedis();
  });

  it("flushes inserting plainly and with ON CONFLICT, racing over the same events and totals row, store each event once and never deadlock", async () => {
    // Two committers stand for two server processes. One has just met a repeat, so it inserts
    // with ON CONFLICT DO NOTHING; the other has not, so it inserts plainly first. Both write the
    // same 2,000 events of one customer and metric (one running-totals row) at the same moment.
    // Should a plain flush lock the totals row before its events, the two would wait on each
    // other until PostgreSQL broke the deadlock a second later.
    const now = Date.now();
    const metric = (await metricsByCode(["api_calls"])).get("api_calls")!;
    const customer = (await customersByExternalId(["cus_gc"], now)).get("cus_gc")!;
    const period = customerPeriod(customer, now - 10_000);
    const event = (eventId: string, i: number): PreparedEvent => ({
      customerId: customer.id, eventId, metric, period, timestampMs: now - 10_000 + i, quantity: String(1 + (i % 5)), properties: null, thresholds: [],
    });
    const onConflict = new GroupCommitter();
    expect(await onConflict.submit([event("seed", 0)])).toEqual(["accepted"]);
    const plainOnes: GroupCommitter[] = [];
    for (let round = 0; round < 5; round++) {
      expect(await onConflict.submit([event("seed", 0)])).toEqual(["duplicate"]);
      const plain = new GroupCommitter();
      plainOnes.push(plain);
      const events = Array.from({ length: 2_000 }, (_, i) => event(`race-${round}-${i}`, i));
      const [first, second] = await Promise.all([onConflict.submit(events), plain.submit(events)]);
      first.forEach((outcome, i) => expect([outcome, second[i]].sort()).toEqual(["accepted", "duplicate"]));
    }
    expect(onConflict.deadlocksRetried + plainOnes.reduce((sum, c) => sum + c.deadlocksRetried, 0)).toBe(0);

    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from usage_events where customer_id = ${customer.id}`;
    expect(n).toBe(1 + 5 * 2_000);
    const metrics = await loadMetrics(sql);
    expect(await counterMismatches(sql, [customer.id], metrics, period)).toEqual([]);
    expect(await totalsMismatches(sql, [customer.id], metrics, period)).toEqual([]);
  });
});
