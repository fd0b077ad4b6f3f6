/**
 * npm run bench: a production build (`next build` + `next start`) against real Postgres and
 * Redis, with at least 5 million events already in the table. Prints a table and writes
 * bench/results.json. Load goes to 127.0.0.1 only and every phase is bounded in time.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import Redis from "ioredis";
import { buildIfStale, NEXT_BIN } from "../scripts/lib/build";
import { rebuildCalendarMonthTotals } from "../scripts/lib/period-totals";
import { ensureDatabase, runMigrations } from "../scripts/lib/migrate";
import { serverPort } from "../scripts/lib/ports";
import { DATA_DIR, ensurePostgres, log, ROOT, startRedis } from "../scripts/lib/services";
import { httpClient, percentile, runFor } from "./lib/http";
import { benchInvoiceRun } from "./invoice-run";

const PORT = serverPort();
const BARE_PORT = serverPort();
const REDIS_PORT = serverPort();
const API_KEY = "mk_live_bench000000000000000000000000000000000000000";
const CUSTOMERS = 1000;
const PRELOADED_EVENTS = 5_000_000;
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 10_000);
const RUN = Date.now().toString(36);
const RATIO_ROUNDS = 4;
const ROUND_MS = Math.max(1_000, Math.round(PHASE_MS / 2));
const USAGE_LOAD_EVENTS_PER_SECOND = Number(process.env.BENCH_USAGE_LOAD ?? 10_000);
const singleBody = JSON.stringify({ id: "trivial", customer: "cus_1", metric: "api_calls", quantity: 1 });

const stops: Array<() => void | Promise<void>> = [];
let pgStop: (() => void) | undefined;
async function cleanup() {
  for (const stop of stops.splice(0).reverse()) await stop();
}
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

async function prepareDatabase(sql: postgres.Sql) {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from customers`;
  const [{ existing }] = await sql<{ existing: number }[]>`select count(*)::int as existing from usage_events`;
  const [{ totals }] = await sql<{ totals: number }[]>`select count(*)::int as totals from usage_period_totals`;
  // Each run adds events; start again from the preload once the table has grown well past it,
  // so that runs stay comparable.
  if (n !== CUSTOMERS || existing > PRELOADED_EVENTS * 1.5 || (existing > 0 && totals === 0)) {
    log(`creating ${CUSTOMERS} customers and 3 metrics`);
    await sql`truncate usage_events, usage_period_totals, counter_outbox, invoices, invoice_runs, invoice_sequences, customers, plan_versions, plans, billable_metrics restart identity cascade`;
    await sql`insert into billable_metrics (code, name, unit, aggregation, property, decimals) values
      ('api_calls', 'API calls', 'call', 'sum', null, 0),
      ('bandwidth_gb', 'Bandwidth', 'GB', 'sum', null, 6),
      ('storage_gb', 'Storage', 'GB', 'latest', null, 6)`;
    await sql`insert into customers (external_id, name, email)
      select 'cus_' || i, 'Customer ' || i, 'c' || i || '@bench.test' from generate_series(1, ${CUSTOMERS}) i`;
  }
  const [{ rows }] = await sql<{ rows: number }[]>`select count(*)::int as rows from usage_events`;
  if (rows < PRELOADED_EVENTS) {
    const missing = PRELOADED_EVENTS - rows;
    log(`preloading ${missing} events (steady state: the table is not empty)`);
    const started = Date.now();
    for (let done = 0; done < missing; done += 1_000_000) {
      const chunk = Math.min(1_000_000, missing - done);
      await sql`
        insert into usage_events (customer_id, event_id, metric_id, "timestamp", quantity)
        select 1 + (g % ${CUSTOMERS}), 'pre-' || ${rows + done} + g, 1 + (g % 3),
               now() - interval '40 days' * random(), (1 + g % 50)::numeric
        from generate_series(1, ${chunk}) g
        on conflict do nothing`;
      log(`  ${done + chunk}/${missing}`);
    }
    await rebuildCalendarMonthTotals(sql);
    await sql`vacuum analyze usage_events`;
    log(`preloaded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const [{ total }] = await sql<{ total: number }[]>`select count(*)::int as total from usage_events`;
  return total;
}

/** Stops a child process (SIGTERM, then waits for it) when the benchmark cleans up. */
function stopOnCleanup(child: ChildProcess) {
  stops.push(() => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  }));
}

async function startServer(databaseUrl: string, redisUrl: string) {
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(PORT), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, BOOTSTRAP_API_KEY: API_KEY, LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  stopOnCleanup(child);
  const base = `http://127.0.0.1:${PORT}`;
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${base}/api/v1/metrics`, { headers: { authorization: `Bearer ${API_KEY}` } });
      if (res.status === 200) return base;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("server did not start");
}

/**
 * A bare Node.js HTTP server in a process of its own that answers every request at once: no
 * framework, no Redis. Its latency while the app ingests is this machine's floor for any read.
 */
async function startBareServer() {
  const source = `require("node:http").createServer((req, res) => { res.setHeader("content-type", "application/json"); res.end('{"ok":true}'); }).listen(${BARE_PORT}, "127.0.0.1")`;
  const child = spawn(process.execPath, ["-e", source], { stdio: "ignore" });
  stopOnCleanup(child);
  const base = `http://127.0.0.1:${BARE_PORT}`;
  for (let i = 0; i < 100; i++) {
    // Answered by our child only: a leftover process on the port would make the child exit.
    if (child.exitCode !== null) throw new Error(`the bare server exited (is port ${BARE_PORT} taken?)`);
    try {
      if ((await fetch(base)).ok && child.exitCode === null) return base;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("bare server did not start");
}

const auth = { authorization: `Bearer ${API_KEY}` };
let sequence = 0;
/** `spread`: how many distinct customers the events of one request cover, round-robin. */
function eventsBody(count: number, spread = CUSTOMERS): string {
  const now = Date.now();
  const events = [];
  const offset = Math.floor(Math.random() * CUSTOMERS);
  for (let i = 0; i < count; i++) {
    const n = sequence++;
    const customer = 1 + ((offset + (n % spread)) % CUSTOMERS);
    events.push({ id: `${RUN}-${n}`, customer: `cus_${customer}`, metric: "api_calls", quantity: 1 + (n % 7), timestamp: new Date(now - (n % 1000)).toISOString() });
  }
  return JSON.stringify(count === 1 ? events[0] : { events });
}

/** Bodies are made before the clock starts so the load generator costs little while measured. */
function bodies(count: number, size: number, spread = CUSTOMERS) {
  return Array.from({ length: count }, () => eventsBody(size, spread));
}

async function batchedIngest(base: string, batch: number, clients: number, spread: number) {
  const client = httpClient(base, clients);
  const pool = bodies(Math.ceil((120_000 * PHASE_MS) / 1000 / batch), batch, spread);
  let next = 0;
  let failures = 0;
  const result = await runFor(PHASE_MS, clients, async () => {
    const body = pool[next++ % pool.length];
    if (next > pool.length) throw new Error("body pool exhausted: raise its size");
    const res = await client.request("POST", "/api/v1/events", body, auth);
    if (res.status !== 200) failures++;
  });
  client.close();
  return { batch, clients, customersPerRequest: Math.min(batch, spread), requests: result.completed, events: result.completed * batch, eventsPerSecond: (result.completed * batch) / result.seconds, failures };
}

type Rate = { requests: number; seconds: number; perSecond: number; failures: number };

async function requestsPerSecond(base: string, clients: number, ms: number, make: () => { method: string; path: string; body?: string }): Promise<Rate> {
  const client = httpClient(base, clients);
  let failures = 0;
  const result = await runFor(ms, clients, async () => {
    const { method, path: target, body } = make();
    const res = await client.request(method, target, body, auth);
    if (res.status !== 200) failures++;
  });
  client.close();
  return { requests: result.completed, seconds: result.seconds, perSecond: result.completed / result.seconds, failures };
}

/** Rounds of one kind added up: total requests over total time. */
function combine(rates: Rate[]): Rate & { rounds: number[] } {
  const requests = rates.reduce((sum, r) => sum + r.requests, 0);
  const seconds = rates.reduce((sum, r) => sum + r.seconds, 0);
  return { requests, seconds, perSecond: requests / seconds, failures: rates.reduce((sum, r) => sum + r.failures, 0), rounds: rates.map((r) => Math.round(r.perSecond)) };
}

/**
 * Latency of a read endpoint while ingestion runs at a steady rate (open loop: batches are sent
 * on a fixed schedule, not as fast as possible), one reader asking about a different customer
 * each time: the usage endpoint, or the entitlement check.
 */
async function readLatencyUnderLoad(base: string, eventsPerSecond: number, pathFor: (customer: number) => string, readerBase = base) {
  const load = httpClient(base, 8);
  const reader = httpClient(readerBase, 1);
  const batch = 500;
  const interval = (1000 * batch) / eventsPerSecond;
  const pool = bodies(Math.ceil(PHASE_MS / interval) + 1, batch);
  const latencies: number[] = [];
  let loadEvents = 0;
  const inflight: Promise<void>[] = [];
  const started = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= pool.length) return;
    const body = pool[sent++];
    inflight.push(load.request("POST", "/api/v1/events", body, auth).then((res) => {
      if (res.status === 200) loadEvents += batch;
    }));
  }, interval);
  while (performance.now() - started < PHASE_MS) {
    const t0 = performance.now();
    const res = await reader.request("GET", pathFor(1 + (latencies.length % CUSTOMERS)), undefined, auth);
    if (res.status !== 200) throw new Error(`read endpoint answered ${res.status}: ${res.body}`);
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  clearInterval(timer);
  await Promise.all(inflight);
  load.close();
  reader.close();
  latencies.sort((a, b) => a - b);
  const seconds = (performance.now() - started) / 1000;
  return { ingestEvents: loadEvents, samples: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1], ingestEventsPerSecond: loadEvents / seconds };
}

try {
  const pg = await ensurePostgres();
  const pgUrl = pg.url;
  pgStop = pg.stop;
  const databaseUrl = await ensureDatabase(process.env.DATABASE_URL ?? pg.url, "meterline_bench");
  await runMigrations(databaseUrl);
  const redisStop = await startRedis(REDIS_PORT, path.join(DATA_DIR, "redis-bench"));
  stops.push(redisStop);
  const redisUrl = `redis://127.0.0.1:${REDIS_PORT}`;
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  stops.push(() => sql.end());
  const preloaded = await prepareDatabase(sql);
  const redis = new Redis(redisUrl);
  await redis.flushall();
  redis.disconnect();
  buildIfStale();
  const base = await startServer(databaseUrl, redisUrl);
  // Redis started empty, so the server first rebuilds every counter from the 5M events: wait for
  // that (steady state is measured, not recovery).
  const watcher = new Redis(redisUrl);
  const rebuildStarted = Date.now();
  while (!(await watcher.exists("ml:counters:ready"))) await new Promise((r) => setTimeout(r, 250));
  watcher.disconnect();
  const rebuildSeconds = (Date.now() - rebuildStarted) / 1000;
  log(`counters rebuilt from Postgres in ${rebuildSeconds.toFixed(1)} s`);
  log(`server up; ${preloaded} events in the table; each phase runs ${PHASE_MS / 1000} s`);
  await batchedIngest(base, 100, 4, CUSTOMERS); // warm-up (JIT, connection pools)

  const before = (await sql<{ n: number }[]>`select count(*)::int as n from usage_events`)[0].n;
  const batched = [];
  // Each request's events cover either 100 customers or all 1,000 (the worst case for the
  // per-customer counter scripts and for index locality).
  for (const [batch, clients, spread] of [[100, 16, 100], [1000, 8, 100], [1000, 4, 1000], [1000, 8, 1000]] as const) {
    log(`batched ingest: batches of ${batch} over ${Math.min(batch, spread)} customers, ${clients} clients`);
    batched.push(await batchedIngest(base, batch, clients, spread));
  }
  // The three are measured in alternating rounds and compared on their totals, so a slow spell
  // of this shared machine weighs on all of them alike rather than on whichever ran then.
  log(`single-event ingest vs trivial routes (GET /api/health, POST /api/health reading the body), 64 clients, ${RATIO_ROUNDS} alternating rounds`);
  const singles = bodies(Math.ceil((5_000 * RATIO_ROUNDS * ROUND_MS) / 1000), 1);
  let s = 0;
  const nextSingle = () => {
    if (s >= singles.length) throw new Error("single-event body pool exhausted: raise its size");
    return singles[s++];
  };
  const rounds = { trivial: [] as Rate[], trivialPost: [] as Rate[], single: [] as Rate[] };
  for (let round = 0; round < RATIO_ROUNDS; round++) {
    rounds.trivial.push(await requestsPerSecond(base, 64, ROUND_MS, () => ({ method: "GET", path: "/api/health" })));
    rounds.trivialPost.push(await requestsPerSecond(base, 64, ROUND_MS, () => ({ method: "POST", path: "/api/health", body: singleBody })));
    rounds.single.push(await requestsPerSecond(base, 64, ROUND_MS, () => ({ method: "POST", path: "/api/v1/events", body: nextSingle() })));
  }
  const trivial = combine(rounds.trivial);
  const trivialPost = combine(rounds.trivialPost);
  const single = combine(rounds.single);
  log(`usage endpoint latency under a steady ingest load of ${USAGE_LOAD_EVENTS_PER_SECOND} events/s`);
  const usage = await readLatencyUnderLoad(base, USAGE_LOAD_EVENTS_PER_SECOND, (c) => `/api/v1/customers/cus_${c}/usage`);
  log(`entitlement check latency under the same ingest load`);
  const entitlementCheck = await readLatencyUnderLoad(base, USAGE_LOAD_EVENTS_PER_SECOND, (c) => `/api/v1/customers/cus_${c}/entitlements/api_calls`);
  log(`trivial route latency under the same ingest load (the floor for any route of this server)`);
  const trivialUnderLoad = await readLatencyUnderLoad(base, USAGE_LOAD_EVENTS_PER_SECOND, () => "/api/health");
  log("the machine's floor: a bare Node.js server in its own process, read under the same ingest load");
  const floorUnderLoad = await readLatencyUnderLoad(base, USAGE_LOAD_EVENTS_PER_SECOND, () => "/", await startBareServer());
  const after = (await sql<{ n: number }[]>`select count(*)::int as n from usage_events`)[0].n;
  // Vacuum what the ingest phases wrote now, rather than have autovacuum do it while the invoice
  // run is timed (it did: a first run overlapped an autovacuum of the event table and took half
  // a second longer).
  log("vacuuming the ingest phases' tables before the invoice timings");
  await sql`vacuum (analyze) usage_events, usage_period_totals, counter_outbox, usage_alerts`;
  await cleanup(); // the ingest server and its services are done; the invoice run needs the machine
  const invoiceRun = await benchInvoiceRun(process.env.DATABASE_URL ?? pgUrl, redisUrl);

  const sentOk = batched.reduce((sum, b) => sum + b.events - b.failures * b.batch, 0) + single.requests - single.failures + usage.ingestEvents + entitlementCheck.ingestEvents + trivialUnderLoad.ingestEvents + floorUnderLoad.ingestEvents;
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
    preloadedEvents: preloaded,
    counterRebuildSeconds: rebuildSeconds,
    phaseSeconds: PHASE_MS / 1000,
    batchedIngest: batched.map((b) => ({ ...b, eventsPerSecond: Math.round(b.eventsPerSecond) })),
    singleEventIngest: { requestsPerSecond: Math.round(single.perSecond), rounds: single.rounds, failures: single.failures },
    trivialRoute: { requestsPerSecond: Math.round(trivial.perSecond), rounds: trivial.rounds, failures: trivial.failures },
    trivialPostRoute: { requestsPerSecond: Math.round(trivialPost.perSecond), rounds: trivialPost.rounds, failures: trivialPost.failures },
    singleToTrivialRatio: Number((single.perSecond / trivial.perSecond).toFixed(3)),
    singleToTrivialPostRatio: Number((single.perSecond / trivialPost.perSecond).toFixed(3)),
    usageEndpointUnderLoad: { ...usage, p50: Number(usage.p50.toFixed(2)), p99: Number(usage.p99.toFixed(2)), max: Number(usage.max.toFixed(2)), ingestEventsPerSecond: Math.round(usage.ingestEventsPerSecond) },
    bareServerUnderLoad: { ...floorUnderLoad, p50: Number(floorUnderLoad.p50.toFixed(2)), p99: Number(floorUnderLoad.p99.toFixed(2)), max: Number(floorUnderLoad.max.toFixed(2)), ingestEventsPerSecond: Math.round(floorUnderLoad.ingestEventsPerSecond) },
    trivialRouteUnderLoad: { ...trivialUnderLoad, p50: Number(trivialUnderLoad.p50.toFixed(2)), p99: Number(trivialUnderLoad.p99.toFixed(2)), max: Number(trivialUnderLoad.max.toFixed(2)), ingestEventsPerSecond: Math.round(trivialUnderLoad.ingestEventsPerSecond) },
    entitlementUnderLoad: { ...entitlementCheck, p50: Number(entitlementCheck.p50.toFixed(2)), p99: Number(entitlementCheck.p99.toFixed(2)), max: Number(entitlementCheck.max.toFixed(2)), ingestEventsPerSecond: Math.round(entitlementCheck.ingestEventsPerSecond) },
    invoiceRun: { ...invoiceRun, runSeconds: Number(invoiceRun.runSeconds.toFixed(2)), warmRunSeconds: Number(invoiceRun.warmRunSeconds.toFixed(2)), naiveSeconds: Number(invoiceRun.naiveSeconds.toFixed(2)), speedup: Number(invoiceRun.speedup.toFixed(1)), warmSpeedup: Number(invoiceRun.warmSpeedup.toFixed(1)) },
    storedDuringMeasuredPhases: after - before,
    acknowledgedDuringMeasuredPhases: sentOk,
  };
  writeFileSync(path.join(ROOT, "bench", "results.json"), JSON.stringify(results, null, 2) + "\n");

  const rows: [string, string][] = [
    ["events already in the table", preloaded.toLocaleString("en-US")],
    ["full counter rebuild from Postgres at start", `${rebuildSeconds.toFixed(1)} s`],
    ...batched.map((b) => [`batched ingest, ${b.batch}/request over ${b.customersPerRequest} customers, ${b.clients} clients`, `${Math.round(b.eventsPerSecond).toLocaleString("en-US")} events/s`] as [string, string]),
    [`single-event ingest, 64 clients (${RATIO_ROUNDS} rounds alternating with the two below)`, `${Math.round(single.perSecond).toLocaleString("en-US")} req/s`],
    ["trivial route (GET /api/health), 64 clients", `${Math.round(trivial.perSecond).toLocaleString("en-US")} req/s`],
    ["trivial POST route (POST /api/health, reads the body)", `${Math.round(trivialPost.perSecond).toLocaleString("en-US")} req/s`],
    ["single-event / trivial GET, / trivial POST", `${results.singleToTrivialRatio.toFixed(2)}x, ${results.singleToTrivialPostRatio.toFixed(2)}x`],
    [`usage endpoint p50 / p99, ingest at ${USAGE_LOAD_EVENTS_PER_SECOND.toLocaleString("en-US")} events/s`, `${usage.p50.toFixed(2)} / ${usage.p99.toFixed(2)} ms (${usage.samples} samples, ${Math.round(usage.ingestEventsPerSecond).toLocaleString("en-US")} events/s alongside)`],
    [`trivial route (GET /api/health) p50 / p99, same load`, `${trivialUnderLoad.p50.toFixed(2)} / ${trivialUnderLoad.p99.toFixed(2)} ms`],
    [`bare Node.js server, own process, no work: p50 / p99, same load`, `${floorUnderLoad.p50.toFixed(2)} / ${floorUnderLoad.p99.toFixed(2)} ms`],
    [`entitlement check p50 / p99, same load`, `${entitlementCheck.p50.toFixed(2)} / ${entitlementCheck.p99.toFixed(2)} ms (${entitlementCheck.samples} samples, ${Math.round(entitlementCheck.ingestEventsPerSecond).toLocaleString("en-US")} events/s alongside)`],
    [`invoice run, ${invoiceRun.customers.toLocaleString("en-US")} customers / ${invoiceRun.events.toLocaleString("en-US")} events, first in the process`, `${invoiceRun.runSeconds.toFixed(2)} s (${invoiceRun.invoices} invoices)`],
    ["the same run again, same process (code compiled, caches warm)", `${invoiceRun.warmRunSeconds.toFixed(2)} s`],
    ["naive per-customer aggregates over raw events", `${invoiceRun.naiveSeconds.toFixed(2)} s (${invoiceRun.speedup.toFixed(1)}x the first run, ${invoiceRun.warmSpeedup.toFixed(1)}x the second)`],
    ["rows stored = events acknowledged (measured phases)", `${(after - before).toLocaleString("en-US")} = ${sentOk.toLocaleString("en-US")}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log("\n" + rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n") + "\n");
  console.log(JSON.stringify(results));
} finally {
  await cleanup();
  pgStop?.();
}
