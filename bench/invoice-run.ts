/**
 * The invoice-run benchmark: 10,000 customers, 3 metrics each, 10 million events in last month
 * (its own database), timed for Meterline's invoice run and for the naive approach the old cron
 * took: one aggregate query over the raw events per customer.
 */
import postgres from "postgres";
import { ensureDatabase, runMigrations } from "../scripts/lib/migrate";
import { rebuildCalendarMonthTotals } from "../scripts/lib/period-totals";
import { log } from "../scripts/lib/services";

const CUSTOMERS = 10_000;
const EVENTS = 10_000_000;

const PRICING = {
  currency: "USD", interval: "month", baseFee: "0", minimumCommitment: "0", taxRate: "0.10",
  charges: [
    { metric: "api_calls", model: "graduated", included: "100", tiers: [{ upTo: "1000", unitPrice: "0.01" }, { upTo: null, unitPrice: "0.005" }] },
    { metric: "storage_gb", model: "per_unit", included: "5", unitPrice: "0.10" },
    { metric: "bandwidth_gb", model: "volume", tiers: [{ upTo: "500", unitPrice: "0.09" }, { upTo: null, unitPrice: "0.05" }] },
  ],
};

function lastMonth(now = new Date()) {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { start, end };
}

async function prepare(sql: postgres.Sql, period: { start: Date; end: Date }) {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from usage_events where "timestamp" >= ${period.start.toISOString()}::timestamptz and "timestamp" < ${period.end.toISOString()}::timestamptz`;
  const [{ customers }] = await sql<{ customers: number }[]>`select count(*)::int as customers from customers`;
  const [{ billable }] = await sql<{ billable: number }[]>`select count(*)::int as billable from customers where created_at < ${period.start.toISOString()}::timestamptz`;
  if (n === EVENTS && customers === CUSTOMERS && billable === CUSTOMERS) return;
  log(`invoice bench: loading ${CUSTOMERS} customers and ${EVENTS.toLocaleString("en-US")} events in ${period.start.toISOString().slice(0, 7)} (once; kept for later runs)`);
  await sql`truncate usage_events, usage_period_totals, counter_outbox, invoices, invoice_runs, invoice_sequences, customers, plan_versions, plans, billable_metrics restart identity cascade`;
  await sql`insert into billable_metrics (code, name, unit, aggregation, property, decimals) values
    ('api_calls', 'API calls', 'call', 'sum', null, 0), ('storage_gb', 'Storage', 'GB', 'latest', null, 6), ('bandwidth_gb', 'Bandwidth', 'GB', 'sum', null, 6)`;
  const [plan] = await sql`insert into plans (code, name, interval) values ('startup', 'Startup', ${PRICING.interval}) returning id`;
  await sql`insert into plan_versions (plan_id, version, pricing) values (${plan.id}, 1, ${sql.json(PRICING)})`;
  await sql`insert into customers (external_id, name, email, plan_id, created_at)
    select 'cus_' || g, 'Customer ' || g, 'c' || g || '@bench.test', ${plan.id}, now() - interval '1 year' from generate_series(1, ${CUSTOMERS}) g`;
  const span = period.end.getTime() - period.start.getTime();
  for (let done = 0; done < EVENTS; done += 1_000_000) {
    await sql`
      insert into usage_events (customer_id, event_id, metric_id, "timestamp", quantity)
      select 1 + (g % ${CUSTOMERS}), 'inv-' || g, 1 + ((g / ${CUSTOMERS}) % 3),
             ${period.start.toISOString()}::timestamptz + ((g % 997)::int8 * ${Math.floor(span / 997)}::int8) * interval '1 millisecond',
             (1 + g % 40)::numeric / 4
      from generate_series(${done + 1}::int, ${done + 1_000_000}::int) g`;
    log(`  ${(done + 1_000_000).toLocaleString("en-US")} events`);
  }
  await rebuildCalendarMonthTotals(sql);
  await sql`vacuum analyze usage_events`;
  await sql`vacuum analyze usage_period_totals`;
}

/**
 * Lets the server settle before timing: the ingest benchmark leaves checkpoints and autovacuum
 * of millions of rows behind, which would slow whichever measurement they overlap. The tables
 * this benchmark rewrites are vacuumed here; then no autovacuum worker may have run for three
 * seconds in a row (one can start just after a single look). Best effort: CHECKPOINT needs a
 * privileged role, and autovacuum is waited for at most two minutes.
 */
async function settle(sql: postgres.Sql) {
  await sql`vacuum (analyze) invoices, invoice_runs`;
  await sql`checkpoint`.catch(() => log("invoice bench: no CHECKPOINT privilege; timing without one"));
  const deadline = Date.now() + 120_000;
  let quietSince = Date.now();
  for (;;) {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`;
    if (n > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 3_000) return;
    if (Date.now() > deadline) return log(`invoice bench: ${n} autovacuum worker(s) still running; timing anyway`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Returns timings in seconds; `databaseUrl` is the server's base URL, `redisUrl` any Redis. */
export async function benchInvoiceRun(baseDatabaseUrl: string, redisUrl: string) {
  const databaseUrl = await ensureDatabase(baseDatabaseUrl, "meterline_bench_invoices");
  await runMigrations(databaseUrl);
  const period = lastMonth();
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  try {
    await prepare(sql, period);
    process.env.DATABASE_URL = databaseUrl;
    process.env.REDIS_URL = redisUrl;
    const { createInvoiceRun, executeInvoiceRun } = await import("../lib/billing/invoice-runs");
    const { closeDb } = await import("../lib/db/client");
    log("invoice bench: Meterline's invoice run (running totals, 500 customers per statement, 3 in flight), first in this process");
    const timedRun = async () => {
      await sql`delete from invoices`;
      await sql`delete from invoice_runs`;
      await settle(sql);
      const run = await createInvoiceRun({ periodEnd: period.end.toISOString() });
      const started = performance.now();
      await executeInvoiceRun(run.id);
      const seconds = (performance.now() - started) / 1000;
      const [{ invoices }] = await sql<{ invoices: number }[]>`select count(*)::int as invoices from invoices`;
      if (invoices !== CUSTOMERS) throw new Error(`the invoice run drafted ${invoices} invoices, expected ${CUSTOMERS}: the measurement would be meaningless`);
      return { seconds, invoices };
    };
    // The first run in a process is the slower one (code not yet compiled, new connections with
    // cold caches); a long-lived worker process runs later ones warm. Both are reported.
    const cold = await timedRun();
    log("invoice bench: the same run again in the same process (steady state)");
    const warm = await timedRun();
    const runSeconds = cold.seconds;
    const invoices = cold.invoices;
    await closeDb();

    log("invoice bench: the naive approach (one aggregate over raw events per customer, in sequence)");
    await settle(sql);
    // Every metric's count, sum, max and latest (by event time, then event id: an index probe),
    // then each metric takes the one its aggregation names: the usage an invoice needs, checked
    // against the run's below. (Taking max for every metric would be cheaper and wrong for a
    // "latest" metric; ordering all of a customer's events in the aggregate instead would be
    // correct and 1.5 to 2 times as slow here.)
    const naive = new Map<number, Record<string, string>>();
    const metrics = await sql<{ id: number; code: string; aggregation: string }[]>`select id, code, aggregation from billable_metrics`;
    if (metrics.some((m) => !["sum", "count", "max", "latest"].includes(m.aggregation))) throw new Error("the naive baseline covers sum, count, max and latest metrics");
    const byId = new Map(metrics.map((m) => [m.id, m]));
    const started = performance.now();
    for (let customer = 1; customer <= CUSTOMERS; customer++) {
      const rows = await sql<{ metric_id: number; n: string; total: string; peak: string; latest: string }[]>`
        select a.metric_id, a.n::text, trim_scale(a.total)::text as total, trim_scale(a.peak)::text as peak, trim_scale(l.quantity)::text as latest
        from (select metric_id, count(*) as n, sum(quantity) as total, max(quantity) as peak from usage_events
              where customer_id = ${customer} and "timestamp" >= ${period.start.toISOString()}::timestamptz
                and "timestamp" < ${period.end.toISOString()}::timestamptz
              group by metric_id) a
        cross join lateral (select e.quantity from usage_events e
              where e.customer_id = ${customer} and e.metric_id = a.metric_id and e."timestamp" >= ${period.start.toISOString()}::timestamptz
                and e."timestamp" < ${period.end.toISOString()}::timestamptz
              order by e."timestamp" desc, e.event_id collate "C" desc limit 1) l`;
      const usage: Record<string, string> = Object.fromEntries(metrics.map((m) => [m.code, "0"]));
      for (const row of rows) {
        const metric = byId.get(row.metric_id)!;
        usage[metric.code] = { sum: row.total, count: row.n, max: row.peak, latest: row.latest }[metric.aggregation as "sum"];
      }
      naive.set(customer, usage);
    }
    const naiveSeconds = (performance.now() - started) / 1000;
    // Both ways must agree on every customer's usage, or the comparison means nothing.
    const stored = await sql<{ customer_id: string; usage: Record<string, string> }[]>`select customer_id, usage from invoices`;
    const differing = stored.filter((row) => JSON.stringify(Object.entries(row.usage).sort()) !== JSON.stringify(Object.entries(naive.get(Number(row.customer_id)) ?? {}).sort()));
    if (stored.length !== CUSTOMERS || differing.length > 0) {
      throw new Error(`the invoice run and the naive aggregates disagree for ${differing.length} of ${stored.length} customers (first: ${JSON.stringify(differing[0])})`);
    }
    log(`invoice bench: the run's usage equals the naive aggregates for all ${CUSTOMERS.toLocaleString("en-US")} customers`);
    return { customers: CUSTOMERS, events: EVENTS, invoices, runSeconds, warmRunSeconds: warm.seconds, naiveSeconds, speedup: naiveSeconds / runSeconds, warmSpeedup: naiveSeconds / warm.seconds };
  } finally {
    await sql.end();
  }
}
