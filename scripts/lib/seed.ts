/**
 * Demo data: metrics, two plans, a few customers and a month of synthetic usage, written
 * straight into the event log (as ingestion would have) and then counted by a full rebuild.
 */
import postgres from "postgres";
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

export async function seedDemo(databaseUrl: string): Promise<boolean> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ count }] = await sql<{ count: string }[]>`select count(*)::text as count from customers`;
    if (count !== "0") return false;
    log("seeding demo data (metrics, plans, customers, a month of usage)");
    await sql.begin(async (tx) => {
      for (const m of METRICS) {
        await tx`insert into billable_metrics (code, name, unit, aggregation, property, decimals)
                 values (${m.code}, ${m.name}, ${m.unit}, ${m.aggregation}, ${m.property}, ${m.decimals}) on conflict do nothing`;
      }
      for (const [code, name, pricing] of [["startup", "Startup", STARTUP], ["growth", "Growth", GROWTH]] as const) {
        const [plan] = await tx`insert into plans (code, name) values (${code}, ${name}) returning id`;
        await tx`insert into plan_versions (plan_id, version, pricing) values (${plan.id}, 1, ${tx.json(pricing)})`;
      }
      for (const c of DEMO_CUSTOMERS) {
        const [customer] = await tx`
          insert into customers (external_id, name, email, plan_id, created_at)
          select ${c.externalId}, ${c.name}, ${c.email}, id, now() - interval '90 days' from plans where code = ${c.plan} returning id`;
        // One event per hour per metric over the last 35 days: hourly API call totals, a storage
        // gauge, bandwidth, and seat activity from a pool of users.
        await tx`
          insert into usage_events (customer_id, event_id, metric_id, "timestamp", quantity, properties)
          select ${customer.id}, 'seed-' || m.code || '-' || to_char(h, 'YYYYMMDDHH24'), m.id, h,
            case m.code
              when 'api_calls' then round(${c.callsPerDay}::numeric / 24 * (0.6 + random() * 0.8))
              when 'storage_gb' then round((2 + extract(epoch from h - (now() - interval '35 days')) / 86400 * 0.3)::numeric, 3)
              when 'bandwidth_gb' then round((${c.callsPerDay}::numeric / 200000 * random())::numeric, 6)
              else 1 end,
            case m.code when 'seats' then jsonb_build_object('user_id', 'user_' || (floor(random() * 14))::int) end
          from generate_series(date_trunc('hour', now() - interval '35 days'), date_trunc('hour', now() - interval '1 hour'), interval '1 hour') h
          cross join billable_metrics m`;
      }
      await rebuildCalendarMonthTotals(tx as unknown as postgres.Sql);
    });
    return true;
  } finally {
    await sql.end();
  }
}
