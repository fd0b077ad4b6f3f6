import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { serverPort } from "../scripts/lib/ports";
import { startRedis } from "../scripts/lib/services";

// This file's server uses a Redis of its own, which the test stops and starts again empty.
const REDIS_PORT = serverPort();
process.env.REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;

const { closeDb } = await import("@/lib/db/client");
const { setUsageLimit } = await import("@/lib/metering/limits");
const { closeRedis } = await import("@/lib/redis/client");
const { apiClient } = await import("./helpers/api");
const { createFixtures, eventually, resetState, testSql } = await import("./helpers/fixtures");
const { startServer } = await import("./helpers/server");

const redisDir = mkdtempSync(path.join(os.tmpdir(), "meterline-redis-limits-"));

describe("a hard limit across a Redis outage", () => {
  const sql = testSql();
  let stopRedis: () => void;
  let server: Awaited<ReturnType<typeof startServer>>;
  let api: ReturnType<typeof apiClient>;
  let sent = 0;
  const send = async (count: number) => {
    const events = Array.from({ length: count }, () => ({ id: `outage-${sent++}`, customer: "cus_capped", metric: "api_calls", quantity: 1 }));
    return api.post("/events", { events });
  };
  const entitlement = () => api.get("/customers/cus_capped/entitlements/api_calls");

  beforeAll(async () => {
    await resetState();
    stopRedis = await startRedis(REDIS_PORT, redisDir);
    server = await startServer({ env: { REDIS_URL: process.env.REDIS_URL! } });
    api = apiClient(server.url);
    await createFixtures(api, ["cus_capped"]);
    const [{ customer_id, metric_id }] = await sql<{ customer_id: string; metric_id: number }[]>`
      select c.id as customer_id, m.id as metric_id from customers c, billable_metrics m where c.external_id = 'cus_capped' and m.code = 'api_calls'`;
    await setUsageLimit({ id: Number(customer_id), externalId: "cus_capped" }, { id: metric_id, code: "api_calls" }, { kind: "quantity", value: "10" });
    await eventually(async () => (await entitlement()).json.limit === "10", 10_000, "the server never saw the limit");
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    stopRedis?.();
    await sql.end();
    await closeDb();
    await closeRedis();
  });

  it("keeps recording usage while Redis is down, says so on the entitlement check, and enforces the limit once counters are rebuilt", async () => {
    const before = await send(8);
    expect(before.status).toBe(200);
    expect(await entitlement()).toMatchObject({ status: 200, json: { allowed: true, used: "8", remaining: "2" } });

    spawnSync("redis-cli", ["-p", String(REDIS_PORT), "shutdown", "nosave"]);
    // Usage is a fact: it is stored even with the live counters gone. The receipts cannot tell
    // whether the limit was passed, so they do not claim it.
    const during = await send(4);
    expect(during.status).toBe(200);
    expect(during.json.receipts).toEqual(Array.from({ length: 4 }, (_, i) => ({ id: `outage-${8 + i}`, status: "accepted" })));
    const [{ stored }] = await sql<{ stored: number }[]>`select count(*)::int as stored from usage_events where event_id like 'outage-%'`;
    expect(stored).toBe(12);
    // The check answers a clear, retryable error instead of a guess.
    const unavailable = await entitlement();
    expect(unavailable.status).toBe(503);
    expect(unavailable.json.error.code).toBe("service_unavailable");

    // Redis comes back empty: the counters are rebuilt from Postgres, including the events
    // stored during the outage, and the limit holds.
    stopRedis = await startRedis(REDIS_PORT, redisDir);
    await eventually(async () => (await entitlement()).json.used === "12", 30_000, "counters were not rebuilt after Redis came back");
    expect((await entitlement()).json).toMatchObject({ allowed: false, used: "12", limit: "10", remaining: "0" });
    const after = await send(1);
    expect(after.json.receipts).toEqual([{ id: "outage-12", status: "accepted", limitExceeded: true }]);
    // Passing the limit is recorded once for the period, however the outage fell.
    const alerts = await sql`select threshold from usage_alerts where kind = 'limit_exceeded'`;
    expect(alerts.map((a) => a.threshold)).toEqual(["10"]);
  });
});
