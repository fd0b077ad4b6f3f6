import { describe, expect, it } from "vitest";
import "./helpers/env";
import { periodContaining } from "@/lib/billing/periods";
import { counterMismatches, customerIds, loadMetrics, totalsMismatches } from "./helpers/counters";
import { serverSuite } from "./helpers/suite";
import { DEDUPE_AFTER_DUPLICATE_MS } from "@/lib/metering/group-commit";

const CUSTOMERS = Array.from({ length: 20 }, (_, i) => `cus_once_${i}`);
const CLIENTS = 8;
const TOTAL = 10_000;

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

describe("exactly-once ingestion under concurrency", () => {
  const suite = serverSuite({ customers: CUSTOMERS });
  const sql = suite.sql;
  const deadlocks = async () =>
    (await sql<{ n: number }[]>`select deadlocks::int as n from pg_stat_database where datname = current_database()`)[0].n;

  it("stores 10,000 distinct events sent twice by 8 concurrent clients exactly once", async () => {
    const deadlocksBefore = await deadlocks();
    const now = Date.now();
    const metrics = ["api_calls", "requests", "peak_rps", "storage_gb", "seats"];
    const events = Array.from({ length: TOTAL }, (_, i) => ({
      id: `evt-${i}`,
      customer: CUSTOMERS[i % CUSTOMERS.length],
      metric: metrics[i % metrics.length],
      // Up to 3 decimals where the metric allows them; whole numbers for counts and seats.
      quantity: i % 5 === 1 || i % 5 === 4 ? String((i % 5) + 1) : `${(i % 97) + 1}.${i % 1000}`,
      timestamp: new Date(now - (i % 600) * 1000).toISOString(),
      properties: { user_id: `u${i % 37}` },
    }));
    // Every event twice, shuffled, split across 8 clients sending batches of 1 to 250.
    const copies = shuffle([...events, ...events]);
    const lanes = Array.from({ length: CLIENTS }, (_, c) => copies.filter((_, i) => i % CLIENTS === c));
    const statuses = new Map<string, string[]>();
    await Promise.all(
      lanes.map(async (lane) => {
        for (let i = 0; i < lane.length; ) {
          const size = 1 + Math.floor(Math.random() * 250);
          const batch = lane.slice(i, i + size);
          i += size;
          const res = await suite.api.post("/events", { events: batch });
          expect(res.status).toBe(200);
          res.json.receipts.forEach((r: { id: string; status: string }) => {
            statuses.set(r.id, [...(statuses.get(r.id) ?? []), r.status]);
          });
        }
      }),
    );

    const [{ count }] = await sql<{ count: string }[]>`select count(*)::text as count from usage_events`;
    expect(count).toBe(String(TOTAL));
    expect(statuses.size).toBe(TOTAL);
    for (const [, seen] of statuses) expect(seen.sort()).toEqual(["accepted", "duplicate"]);

    const ids = await customerIds(sql, CUSTOMERS);
    const period = periodContaining(new Date(now), { interval: "month", anchor: null });
    const previous = periodContaining(new Date(period.start.getTime() - 1), { interval: "month", anchor: null });
    const all = await loadMetrics(sql);
    expect(await counterMismatches(sql, ids, all, period)).toEqual([]);
    expect(await counterMismatches(sql, ids, all, previous)).toEqual([]);
    expect(await totalsMismatches(sql, ids, all, period)).toEqual([]);
    expect(await totalsMismatches(sql, ids, all, previous)).toEqual([]);
    // Flushes retry a deadlock silently, so the server's statistics are the only trace of one.
    // Backends report them within about a second of going idle.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await deadlocks()).toBe(deadlocksBefore);
  });

  it("stores a batch that repeats one stored event among new ones: the repeat is a duplicate, the rest count once", async () => {
    // Group commits insert plainly first; a stored key makes that statement fail, and the group
    // is stored again with ON CONFLICT DO NOTHING. Receipts, rows, counters and running totals
    // must come out as if the failed try had never happened.
    const customer = CUSTOMERS[0];
    const now = Date.now();
    const metrics = ["api_calls", "requests", "peak_rps", "storage_gb", "seats"];
    const event = (id: string, i: number) => ({
      id, customer, metric: metrics[i % metrics.length], quantity: String(1 + (i % 9)),
      timestamp: new Date(now - 60_000 + i * 10).toISOString(), properties: { user_id: `mixed-${i}` },
    });
    const first = Array.from({ length: 50 }, (_, i) => event(`mixed-a-${i}`, i));
    const firstRes = await suite.api.post("/events", { events: first });
    expect(firstRes.json.receipts.map((r: { status: string }) => r.status)).toEqual(first.map(() => "accepted"));

    // A duplicate sends the next second's flushes straight to ON CONFLICT; let that pass, so the
    // batch below takes the plain insert first.
    await new Promise((resolve) => setTimeout(resolve, DEDUPE_AFTER_DUPLICATE_MS + 100));
    // Later events for the latest metric too, so a wrongly kept or lost row would show there.
    const second = [first[17], ...Array.from({ length: 50 }, (_, i) => event(`mixed-b-${i}`, i + 50)), first[3]];
    const secondRes = await suite.api.post("/events", { events: second });
    expect(secondRes.status).toBe(200);
    expect(secondRes.json.receipts.map((r: { id: string; status: string }) => `${r.id}:${r.status}`)).toEqual(
      second.map((e, i) => `${e.id}:${i === 0 || i === second.length - 1 ? "duplicate" : "accepted"}`),
    );

    const [id] = await customerIds(sql, [customer]);
    const [{ count }] = await sql<{ count: number }[]>`
      select count(*)::int as count from usage_events where customer_id = ${id} and event_id like 'mixed-%'`;
    expect(count).toBe(100);
    const all = await loadMetrics(sql);
    // The events' own period (a minute ago), so that checks are never made on an empty one.
    const period = periodContaining(new Date(now - 60_000), { interval: "month", anchor: null });
    expect(await counterMismatches(sql, [id], all, period)).toEqual([]);
    expect(await totalsMismatches(sql, [id], all, period)).toEqual([]);
  });
});
