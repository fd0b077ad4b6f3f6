import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { serverPort } from "../scripts/lib/ports";
import { startRedis } from "../scripts/lib/services";

// This file's server and counter reads use a Redis of their own, which the test restarts empty.
const REDIS_PORT = serverPort();
process.env.REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;

const { periodContaining } = await import("@/lib/billing/periods");
const { closeRedis } = await import("@/lib/redis/client");
const { apiClient } = await import("./helpers/api");
const { counterMismatches, customerIds, loadMetrics } = await import("./helpers/counters");
const { createFixtures, eventually, resetState, testSql } = await import("./helpers/fixtures");
const { ingestLoad } = await import("./helpers/load");
const { startServer } = await import("./helpers/server");

const CUSTOMERS = Array.from({ length: 10 }, (_, i) => `cus_redis_${i}`);
const redisDir = mkdtempSync(path.join(os.tmpdir(), "meterline-redis-"));

describe("Redis restarted empty while events keep arriving", () => {
  const sql = testSql();
  let stopRedis: () => void;
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    await resetState();
    stopRedis = await startRedis(REDIS_PORT, redisDir);
    server = await startServer({ env: { REDIS_URL: process.env.REDIS_URL! } });
    await createFixtures(apiClient(server.url), CUSTOMERS);
  });

  afterAll(async () => {
    await server?.stop();
    stopRedis?.();
    await sql.end();
    await closeRedis();
  });

  it("rebuilds every counter to the SQL aggregate and loses no acknowledged event", async () => {
    const load = ingestLoad(apiClient(server.url), { customers: CUSTOMERS, clients: 4, batch: 50, prefix: "redis" });
    await new Promise((r) => setTimeout(r, 2_000));
    const beforeRestart = load.stats().acknowledged;
    spawnSync("redis-cli", ["-p", String(REDIS_PORT), "shutdown", "nosave"]);
    await new Promise((r) => setTimeout(r, 1_000));
    stopRedis = await startRedis(REDIS_PORT, redisDir);
    await new Promise((r) => setTimeout(r, 3_000));
    await load.stop();
    const { acknowledged, sent } = load.stats();
    expect(beforeRestart).toBeGreaterThan(0);
    expect(acknowledged).toBeGreaterThan(beforeRestart); // ingestion went on after the restart
    expect(sent).toBeGreaterThan(0);

    const ids = [...load.acknowledged];
    const [{ found }] = await sql<{ found: number }[]>`select count(*)::int as found from usage_events where event_id in (select jsonb_array_elements_text(${sql.json(ids)}))`;
    expect(found).toBe(ids.length);

    const customerKeys = await customerIds(sql, CUSTOMERS);
    const metrics = await loadMetrics(sql);
    const period = periodContaining(new Date(), { interval: "month", anchor: null });
    await eventually(async () => (await counterMismatches(sql, customerKeys, metrics, period)).length === 0, 30_000, "counters did not converge");
    expect(await counterMismatches(sql, customerKeys, metrics, period)).toEqual([]);
  });
});
