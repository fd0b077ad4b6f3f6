import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import type { Period } from "@/lib/billing/periods";
import { readCounters } from "@/lib/metering/counters";
import { closeRedis } from "@/lib/redis/client";
import type { BillableMetric } from "@/lib/db/schema";
import { apiClient, type ApiClient } from "./helpers/api";
import { counterMismatches, customerIds, loadMetrics } from "./helpers/counters";
import { createFixtures, resetState, STANDARD_METRICS, testSql } from "./helpers/fixtures";
import { startServer, type TestServer } from "./helpers/server";

const CALENDAR = "cus_agg";
const ANCHORED = "cus_anchor15";
const DECIMALS = "cus_dec";
const ANCHOR = "2025-03-15T00:00:00Z";

// Periods worked out here by hand (not with lib/billing/periods) so the test checks that code.
const NOW = Date.now();
const today = new Date(NOW);
const [Y, M] = [today.getUTCFullYear(), today.getUTCMonth()];
const monthStart = Date.UTC(Y, M, 1);
const calendar: Period = { start: new Date(monthStart), end: new Date(Date.UTC(Y, M + 1, 1)) };
const calendarPrevious: Period = { start: new Date(Date.UTC(Y, M - 1, 1)), end: new Date(monthStart) };
// Anchored on the 15th at midnight UTC: the period starts on the 15th of this month or the last.
const anchorMonth = today.getUTCDate() >= 15 ? M : M - 1;
const anchored: Period = { start: new Date(Date.UTC(Y, anchorMonth, 15)), end: new Date(Date.UTC(Y, anchorMonth + 1, 15)) };
const anchoredPrevious: Period = { start: new Date(Date.UTC(Y, anchorMonth - 1, 15)), end: anchored.start };

const iso = (ms: number) => new Date(ms).toISOString();
let seq = 0;
const ev = (customer: string, metric: string, ms: number, quantity?: string, userId?: string) => ({
  id: `agg-${++seq}`,
  customer,
  metric,
  timestamp: iso(ms),
  ...(quantity === undefined ? {} : { quantity }),
  ...(userId === undefined ? {} : { properties: { user_id: userId } }),
});

describe("aggregations, period boundaries and decimal exactness", () => {
  let server: TestServer;
  let api: ApiClient;
  let metrics: BillableMetric[];
  const sql = testSql();

  /** Posts one batch; every event must be accepted. */
  async function send(events: ReturnType<typeof ev>[]) {
    const res = await api.post("/events", { events });
    expect(res.status).toBe(200);
    expect(res.json.receipts).toEqual(events.map((e) => ({ id: e.id, status: "accepted" })));
  }

  async function usage(customer: string) {
    const res = await api.get(`/customers/${customer}/usage`);
    expect(res.status).toBe(200);
    const used = Object.fromEntries(res.json.metrics.map((m: { metric: string; used: string }) => [m.metric, m.used]));
    return { period: res.json.period as { start: string; end: string }, used };
  }

  /** Counter values of one customer in a period, by metric code, read straight from Redis. */
  async function counters(customer: string, period: Period) {
    const [id] = await customerIds(sql, [customer]);
    const values = await readCounters(id, metrics, period);
    return Object.fromEntries(metrics.map((m) => [m.code, values.get(m.id)]));
  }

  async function expectCountersMatchSql(customer: string, periods: Period[]) {
    const ids = await customerIds(sql, [customer]);
    expect(ids).toHaveLength(1);
    for (const period of periods) expect(await counterMismatches(sql, ids, metrics, period)).toEqual([]);
  }

  beforeAll(async () => {
    await resetState();
    server = await startServer();
    api = apiClient(server.url);
    await createFixtures(api, [CALENDAR, DECIMALS]);
    const res = await api.post("/customers", { externalId: ANCHORED, name: "Anchored", email: "anchored@example.test", billingAnchor: ANCHOR });
    expect(res.status).toBe(201);
    metrics = await loadMetrics(sql);
    expect(metrics.map((m) => [m.code, m.aggregation])).toEqual(STANDARD_METRICS.map((m) => [m.code, m.aggregation]));
  });

  afterAll(async () => {
    await server?.stop();
    await sql.end();
    await closeRedis();
  });

  it("aggregates each metric over the calendar month, splitting events at the period start", async () => {
    const before = monthStart - 1; // last millisecond of the previous period
    const mid = monthStart + Math.floor((NOW - monthStart) / 2);
    // latest: the newest-timestamped event arrives first, older ones after it.
    await send([ev(CALENDAR, "storage_gb", NOW, "42.5")]);
    await send([
      ev(CALENDAR, "api_calls", before, "5"),
      ev(CALENDAR, "api_calls", monthStart, "0.1"),
      ev(CALENDAR, "api_calls", NOW, "0.2"),
      ev(CALENDAR, "requests", before),
      ev(CALENDAR, "requests", monthStart),
      ev(CALENDAR, "requests", mid, "7"),
      ev(CALENDAR, "requests", NOW),
      ev(CALENDAR, "peak_rps", before, "999"),
      ev(CALENDAR, "peak_rps", monthStart, "9.5"),
      ev(CALENDAR, "peak_rps", mid, "100.25"),
      ev(CALENDAR, "storage_gb", before, "1000"),
      ev(CALENDAR, "seats", before, undefined, "u9"),
      ev(CALENDAR, "seats", monthStart, undefined, "u1"),
      ...["u1", "u2", "u1", "u3", "u2"].map((u) => ev(CALENDAR, "seats", mid, undefined, u)),
    ]);
    // max and latest compared across requests (in Redis), not only within one batch.
    await send([ev(CALENDAR, "storage_gb", mid, "7"), ev(CALENDAR, "peak_rps", NOW, "99.999"), ev(CALENDAR, "seats", NOW, undefined, "u2")]);
    await send([ev(CALENDAR, "storage_gb", monthStart, "3")]);

    const current = await usage(CALENDAR);
    expect(current.period).toEqual({ start: iso(calendar.start.getTime()), end: iso(calendar.end.getTime()) });
    expect(current.used).toEqual({ api_calls: "0.3", requests: "3", peak_rps: "100.25", storage_gb: "42.5", seats: "3" });
    expect(await counters(CALENDAR, calendarPrevious)).toEqual({ api_calls: "5", requests: "1", peak_rps: "999", storage_gb: "1000", seats: "1" });
    await expectCountersMatchSql(CALENDAR, [calendar, calendarPrevious]);
  });

  it("takes latest by event timestamp within one batch too, not by position", async () => {
    await send([ev(DECIMALS, "storage_gb", NOW - 1000, "8"), ev(DECIMALS, "storage_gb", NOW - 5000, "1")]);
    expect((await usage(DECIMALS)).used.storage_gb).toBe("8");
    await expectCountersMatchSql(DECIMALS, [calendar]);
  });

  it("uses the billing anchor: periods run from the 15th, not the 1st", async () => {
    const start = anchored.start.getTime();
    const events = [
      ev(ANCHORED, "api_calls", start - 1, "2"),
      ev(ANCHORED, "api_calls", start, "3"),
      ev(ANCHORED, "api_calls", NOW, "4"),
      ev(ANCHORED, "seats", start - 1, undefined, "a"),
      ev(ANCHORED, "seats", start, undefined, "b"),
      ev(ANCHORED, "seats", NOW, undefined, "b"),
    ];
    // The calendar month start lies in one of the two anchored periods: it must count there.
    const calendarInCurrent = monthStart >= start;
    events.push(ev(ANCHORED, "api_calls", monthStart, "10"));
    await send(events);

    const current = await usage(ANCHORED);
    expect(current.period).toEqual({ start: iso(start), end: iso(anchored.end.getTime()) });
    expect(current.period.start).not.toBe(iso(monthStart));
    expect(current.used).toMatchObject({ api_calls: calendarInCurrent ? "17" : "7", seats: "1" });
    expect(await counters(ANCHORED, anchoredPrevious)).toMatchObject({ api_calls: calendarInCurrent ? "2" : "12", seats: "1" });
    await expectCountersMatchSql(ANCHORED, [anchored, anchoredPrevious]);
  });

  it("sums decimals exactly: 0.1 + 0.2 is 0.3, a thousand more 0.1 add exactly 100", async () => {
    await send([ev(DECIMALS, "api_calls", NOW - 2000, "0.1"), ev(DECIMALS, "api_calls", NOW - 1000, "0.2")]);
    expect((await usage(DECIMALS)).used.api_calls).toBe("0.3");

    await send(Array.from({ length: 1000 }, (_, i) => ev(DECIMALS, "api_calls", NOW - 3000 - i, "0.1")));
    expect((await usage(DECIMALS)).used.api_calls).toBe("100.3");
    // 18 significant digits: a float sum could not hold this.
    await send([ev(DECIMALS, "api_calls", NOW - 500, "0.000001"), ev(DECIMALS, "api_calls", NOW - 400, "123456789012.5")]);
    expect((await usage(DECIMALS)).used.api_calls).toBe("123456789112.800001");
    const [{ total }] = await sql<{ total: string }[]>`
      select sum(quantity)::text as total from usage_events e join customers c on c.id = e.customer_id
      where c.external_id = ${DECIMALS} and e.metric_id = (select id from billable_metrics where code = 'api_calls')`;
    expect(total).toBe("123456789112.800001");
    await expectCountersMatchSql(DECIMALS, [calendar, calendarPrevious]);
  });
});
