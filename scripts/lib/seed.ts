/**
 * Demo data: metrics, two plans, a few customers and a month of synthetic usage, written
 * straight into the event log (as ingestion would have) and then counted by a full rebuild.
 */
import postgres from "postgres";
import { createUser } from "../../lib/auth/users";
import { rebuildCalendarMonthTotals } from "./period-totals";
import { log } from "./services";

const METRICS = [
  { code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 0 },
  { code: "storage_gb", name: "Storage", unit: "GB", aggregation: "latest", property: null, decimals: 6 },
  { code: "bandwidth_gb", name: "Bandwidth", unit: "GB", aggregation: "sum", property: null, decimals: 6 },
  { code: "seats", name: "Active seats", unit: "seat", aggregation: "unique_count", property: "user_id", decimals: 0 },
];

const STARTUP = {
  currency: "USD", interval: "month", baseFee: "0", minimumCommitment: "0", taxRate: "0.10",
  charges: [
    { metric: "api_calls", model: "graduated", included: "10000",
      tiers: [{ upTo: "100000", unitPrice: "0.01" }, { upTo: null, unitPrice: "0.005" }] },
    { metric: "storage_gb", model: "per_unit", included: "5", unitPrice: "0.10" },
    { metric: "bandwidth_gb", model: "volume", tiers: [{ upTo: "1000", unitPrice: "0.09", flatFee: "0" }, { upTo: null, unitPrice: "0.05" }] },
    { metric: "seats", model: "package", packageSize: "10", packagePrice: "5.00" },
  ],
};

const GROWTH = {
  ...STARTUP, baseFee: "499", minimumCommitment: "1000",
  charges: [
    { metric: "api_calls", model: "graduated", included: "1000000",
      tiers: [{ upTo: "10000000", unitPrice: "0.004" }, { upTo: null, unitPrice: "0.002" }] },
    { metric: "storage_gb", model: "per_unit", included: "100", unitPrice: "0.08" },
  ],
};

export const DEMO_CUSTOMERS = [
  { externalId: "cus_acme", name: "Acme Corp", email: "billing@acme.test", plan: "startup", callsPerDay: 5200 },
  { externalId: "cus_globex", name: "Globex", email: "finance@globex.test", plan: "growth", callsPerDay: 90000 },
  { externalId: "cus_initech", name: "Initech", email: "ap@initech.test", plan: "startup", callsPerDay: 350 },
];

/** Demo sign-ins: one user per demo customer (their billing email) and an admin. */
export const DEMO_PASSWORD = "meterline-demo";
export const DEMO_ADMIN = { email: "admin@meterline.test", name: "Demo admin", password: "meterline-admin" };

/** Days of hourly synthetic usage: enough for two closed monthly periods and the current one. */
const USAGE_DAYS = 65;

export async function seedDemo(databaseUrl: string): Promise<boolean> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ count }] = await sql<{ count: string }[]>`select count(*)::text as count from customers`;
    if (count !== "0") return false;
    log(`seeding demo data (metrics, plans, customers, users, ${USAGE_DAYS} days of usage)`);
    await sql.begin(async (tx) => {
      for (const m of METRICS) {
        await tx`insert into billable_metrics (code, name, unit, aggregation, property, decimals)
                 values (${m.code}, ${m.name}, ${m.unit}, ${m.aggregation}, ${m.property}, ${m.decimals}) on conflict do nothing`;
      }
      for (const [code, name, pricing] of [["startup", "Startup", STARTUP], ["growth", "Growth", GROWTH]] as const) {
        const [plan] = await tx`insert into plans (code, name, interval) values (${code}, ${name}, ${pricing.interval}) returning id`;
        await tx`insert into plan_versions (plan_id, version, pricing) values (${plan.id}, 1, ${tx.json(pricing)})`;
      }
      for (const c of DEMO_CUSTOMERS) {
        const [customer] = await tx`
          insert into customers (external_id, name, email, plan_id, created_at)
          select ${c.externalId}, ${c.name}, ${c.email}, id, now() - interval '90 days' from plans where code = ${c.plan} returning id`;
        // One event per hour per metric over the last USAGE_DAYS days: hourly API call totals, a storage
        // gauge, bandwidth, and seat activity from a pool of users.
        await tx`
          insert into usage_events (customer_id, event_id, metric_id, "timestamp", quantity, properties)
          select ${customer.id}, 'seed-' || m.code || '-' || to_char(h, 'YYYYMMDDHH24'), m.id, h,
            case m.code
              when 'api_calls' then round(${c.callsPerDay}::numeric / 24 * (0.6 + random() * 0.8))
              when 'storage_gb' then round((2 + extract(epoch from h - (now() - ${USAGE_DAYS} * interval '1 day')) / 86400 * 0.3)::numeric, 3)
              when 'bandwidth_gb' then round((${c.callsPerDay}::numeric / 200000 * random())::numeric, 6)
              else 1 end,
            case m.code when 'seats' then jsonb_build_object('user_id', 'user_' || (floor(random() * 14))::int) end
          from generate_series(date_trunc('hour', now() - ${USAGE_DAYS} * interval '1 day'), date_trunc('hour', now() - interval '1 hour'), interval '1 hour') h
          cross join billable_metrics m`;
      }
      await rebuildCalendarMonthTotals(tx as unknown as postgres.Sql);
    });
    return true;
  } finally {
    await sql.end();
  }
}

/** The demo sign-ins (idempotent: also run on databases seeded before users existed). */
export async function ensureDemoUsers(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    for (const c of DEMO_CUSTOMERS) {
      const [customer] = await sql<{ id: string }[]>`select id from customers where external_id = ${c.externalId}`;
      if (customer) await createUser(sql, { email: c.email, name: c.name, password: DEMO_PASSWORD, role: "customer", customerId: Number(customer.id) });
    }
    await createUser(sql, { ...DEMO_ADMIN, role: "admin" });
  } finally {
    await sql.end();
  }
}

/**
 * Invoice history for the demo: the two periods before the current one are drafted from the
 * event log with the real invoicing code; those past the grace period are finalized, and the
 * older one is paid. Needs DATABASE_URL set for the library code.
 */
export async function seedInvoiceHistory(now = new Date()) {
  const { sqlClient, closeDb } = await import("../../lib/db/client");
  const { billedCustomers } = await import("../../lib/db/queries/invoice-runs");
  const { draftInvoices, finalizeInvoice, payInvoice } = await import("../../lib/billing/invoices");
  const { GRACE_PERIOD_MS } = await import("../../lib/billing/period-close");
  const { billable, periodContaining, previousPeriod } = await import("../../lib/billing/periods");
  try {
    const customers = await billedCustomers(sqlClient());
    for (const customer of customers) {
      const last = previousPeriod(periodContaining(now, customer.rule), customer.rule);
      const periods = [previousPeriod(last, customer.rule), last].filter((period) => billable(customer, period));
      for (const [i, period] of periods.entries()) {
        const [id] = await draftInvoices([{ customer, period }]);
        if (id === undefined || now.getTime() - period.end.getTime() <= GRACE_PERIOD_MS) continue;
        await finalizeInvoice(id, { now });
        if (i === 0 && periods.length === 2) await payInvoice(id, { now });
      }
    }
    log(`drafted the demo invoice history of ${customers.length} customers`);
  } finally {
    await closeDb();
  }
}

/**
 * One live event per demo customer through the real ingestion path, so the usage alerts their
 * seeded month has already earned (80 / 95 / 100 % of allowances) fire as they would have.
 */
export async function seedLiveEvents() {
  const { ingestEvents } = await import("../../lib/metering/ingest");
  const { closeDb } = await import("../../lib/db/client");
  const { closeRedis } = await import("../../lib/redis/client");
  const { rebuildSettled } = await import("../../lib/metering/maintenance");
  try {
    await ingestEvents(DEMO_CUSTOMERS.map((c) => ({ id: `seed-live-${c.externalId}`, customer: c.externalId, metric: "api_calls", quantity: 1 })));
    // Redis was empty, so the ingest started a counter rebuild: let it finish before closing the
    // connections it uses (the server then finds the counters ready).
    await rebuildSettled();
  } finally {
    await closeDb();
    await closeRedis();
  }
}
