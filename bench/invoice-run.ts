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
 * of millions of rows behind, which would slow whichever measurement they overlap. Best effort:
 * CHECKPOINT needs a privileged role, and autovacuum is waited for at most two minutes.
 */
async function settle(sql: postgres.Sql) {
  await sql`checkpoint`.catch(() => log("invoice bench: no CHECKPOINT privilege; timing without one"));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`;
    if (n === 0) return;
    if (Date.now() > deadline) return log(`invoice bench: ${n} autovacuum worker(s) still running; timing anyway`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
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
    log("invoice bench: Meterline's invoice run (running totals, 250 customers per statement, 3 in flight), first in this process");
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
    // The first run pays for compiling the rating code (JIT); a long-lived worker process runs
    // later ones with it compiled. Both are reported.
    const cold = await timedRun();
    log("invoice bench: the same run again in the same process (steady state)");
    const warm = await timedRun();
    const runSeconds = cold.seconds;
    const invoices = cold.invoices;
    await closeDb();

    log("invoice bench: the naive approach (one aggregate over raw events per customer, in sequence)");
    await settle(sql);
    const started = performance.now();
    for (let customer = 1; customer <= CUSTOMERS; customer++) {
      await sql`select metric_id, count(*), sum(quantity), max(quantity) from usage_events
                where customer_id = ${customer} and "timestamp" >= ${period.start.toISOString()}::timestamptz
                  and "timestamp" < ${period.end.toISOString()}::timestamptz
                group by metric_id`;
    }
    const naiveSeconds = (performance.now() - started) / 1000;
    return { customers: CUSTOMERS, events: EVENTS, invoices, runSeconds, warmRunSeconds: warm.seconds, naiveSeconds, speedup: naiveSeconds / runSeconds, warmSpeedup: naiveSeconds / warm.seconds };
  } finally {
    await sql.end();
  }
}
