import { describe, expect, it } from "vitest";
import "./helpers/env";
import { serverSuite } from "./helpers/suite";

const EVENTS = 1_000_000;
const BATCH = 1000;
const CLIENTS = 4;

describe("exact decimal counters", () => {
  const suite = serverSuite({ customers: ["cus_exact"] });
  const sql = suite.sql;

  it("1,000,000 quantities of 0.1 sum to exactly 100000 in Redis and in Postgres", async () => {
    const now = Date.now();
    let next = 0;
    let accepted = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < EVENTS / BATCH) {
          const b = next++;
          const events = Array.from({ length: BATCH }, (_, i) => ({
            id: `tenth-${b * BATCH + i}`,
            customer: "cus_exact",
            metric: "api_calls",
            quantity: "0.1",
            timestamp: new Date(now - i).toISOString(),
          }));
          const res = await suite.api.post("/events", { events });
          expect(res.status).toBe(200);
          accepted += res.json.receipts.filter((r: { status: string }) => r.status === "accepted").length;
        }
      }),
    );
    expect(accepted).toBe(EVENTS);

    const [row] = await sql<{ total: string; n: string }[]>`
      select sum(quantity)::text as total, count(*)::text as n from usage_events where event_id like 'tenth-%'`;
    expect(row.n).toBe(String(EVENTS));
    expect(row.total).toBe("100000.0");

    const usage = await suite.api.get("/customers/cus_exact/usage");
    expect(usage.status).toBe(200);
    const line = usage.json.metrics.find((m: { metric: string }) => m.metric === "api_calls");
    expect(line.used).toBe("100000");
  });
});
