import { describe, expect, it } from "vitest";
import "./helpers/env";
import { periodContaining } from "@/lib/billing/periods";
import { counterMismatches, customerIds, loadMetrics } from "./helpers/counters";
import { serverSuite } from "./helpers/suite";

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

  it("stores 10,000 distinct events sent twice by 8 concurrent clients exactly once", async () => {
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
  });
});
