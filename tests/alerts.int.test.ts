import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { createCustomer } from "@/lib/billing/customers";
import { periodContaining, previousPeriod } from "@/lib/billing/periods";
import { createPlan } from "@/lib/billing/plans";
import { pricingSchema } from "@/lib/billing/pricing-schema";
import { closeDb } from "@/lib/db/client";
import { invalidateCatalog } from "@/lib/metering/catalog";
import { ingestEvents } from "@/lib/metering/ingest";
import { defineMetric } from "@/lib/metering/metrics";
import { listAlerts } from "@/lib/portal/alerts";
import { closeRedis } from "@/lib/redis/client";
import { resetState, testSql } from "./helpers/fixtures";

const PRICING = pricingSchema.parse({
  currency: "USD", interval: "month",
  charges: [
    { metric: "api_calls", model: "per_unit", included: "1000", unitPrice: "0.01" },
    { metric: "bandwidth_gb", model: "per_unit", unitPrice: "0.05" },
  ],
});
const rule = { interval: "month" as const, anchor: null };
const current = periodContaining(new Date(), rule);
const previous = previousPeriod(current, rule);

/** `count` events of quantity 1, sent as 8 concurrent batches. */
async function sendConcurrently(customer: string, metric: string, prefix: string, count: number, nowMs = Date.now(), timestamp?: string) {
  const events = Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, customer, metric, quantity: 1, ...(timestamp ? { timestamp } : {}) }));
  const batches = Array.from({ length: 8 }, (_, b) => events.filter((_, i) => i % 8 === b));
  const receipts = (await Promise.all(batches.map((batch) => ingestEvents(batch, nowMs)))).flat();
  return receipts.map((r) => r.status);
}

describe("usage alerts", () => {
  const sql = testSql();
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    await resetState();
    await defineMetric({ code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 0 });
    await defineMetric({ code: "bandwidth_gb", name: "Bandwidth", unit: "GB", aggregation: "sum", property: null, decimals: 3 });
    await createPlan({ code: "metered", name: "Metered", pricing: PRICING });
    await createPlan({ code: "spendy", name: "Spendy", pricing: pricingSchema.parse({ ...PRICING, alerts: { spend: ["5.00", "10"] } }) });
    ids.cus_spender = (await createCustomer({ externalId: "cus_spender", name: "Spender", email: "s@example.test", planCode: "spendy" })).id;
    for (const c of ["cus_crosser", "cus_custom", "cus_months", "cus_steps"]) {
      ids[c] = (await createCustomer({ externalId: c, name: c, email: `${c}@example.test`, planCode: "metered" })).id;
    }
    await sql`update customers set created_at = now() - interval '120 days'`;
  });

  afterAll(async () => {
    await sql.end();
    await closeDb();
    await closeRedis();
  });

  const alertsOf = (customer: string) =>
    sql<{ threshold: string; observed: string; period_start: Date; metric: string }[]>`
      select a.threshold, a.observed, a.period_start, m.code as metric from usage_alerts a join billable_metrics m on m.id = a.metric_id
      where a.customer_id = ${ids[customer]} order by a.period_start, a.threshold::int`;

  it("fires 80, 95 and 100 % exactly once when 2,000 concurrent events cross them together, and never again for their duplicates", async () => {
    const statuses = await sendConcurrently("cus_crosser", "api_calls", "x", 2000);
    expect(statuses.filter((s) => s === "accepted")).toHaveLength(2000);
    const alerts = await alertsOf("cus_crosser");
    expect(alerts.map((a) => a.threshold)).toEqual(["80", "95", "100"]);
    expect(alerts.every((a) => a.metric === "api_calls" && a.period_start.getTime() === current.start.getTime())).toBe(true);
    // Each observed total is one the counter really passed through, at or above its threshold.
    for (const a of alerts) expect(Number(a.observed)).toBeGreaterThanOrEqual(Number(a.threshold) * 10);

    const again = await sendConcurrently("cus_crosser", "api_calls", "x", 2000);
    expect(again.every((s) => s === "duplicate")).toBe(true);
    expect(await alertsOf("cus_crosser")).toEqual(alerts);
    // Listed for the portal, newest first.
    const listed = await listAlerts(ids.cus_crosser);
    expect(listed.map((a) => a.threshold).sort()).toEqual(["100", "80", "95"]);
    const firedAt = listed.map((a) => Date.parse(a.firedAt));
    expect(firedAt).toEqual([...firedAt].sort((x, y) => y - x));
  });

  it("fires thresholds crossed one flush at a time, and stops offering a passed threshold to later flushes", async () => {
    // Counts every row offered to usage_alerts, including those "on conflict do nothing" skips.
    await sql`create table if not exists test_alert_offers (n int not null)`;
    await sql`create or replace function test_count_alert_offer() returns trigger language plpgsql as $$ begin insert into test_alert_offers values (1); return new; end $$`;
    await sql`create trigger test_count_alert_offer before insert on usage_alerts for each row execute function test_count_alert_offer()`;
    try {
      const offers = async () => (await sql<{ n: number }[]>`select count(*)::int as n from test_alert_offers`)[0].n;
      const step = async (prefix: string, count: number) => {
        const events = Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, customer: "cus_steps", metric: "api_calls", quantity: 1 }));
        expect((await ingestEvents(events)).every((r) => r.status === "accepted")).toBe(true);
        return { alerts: (await alertsOf("cus_steps")).map((a) => [a.threshold, a.observed]), offers: await offers() };
      };
      expect(await step("a", 850)).toEqual({ alerts: [["80", "850"]], offers: 1 });
      expect(await step("b", 100)).toEqual({ alerts: [["80", "850"], ["95", "950"]], offers: 2 });
      expect(await step("c", 60)).toEqual({ alerts: [["80", "850"], ["95", "950"], ["100", "1010"]], offers: 3 });
      // Every threshold passed: later events offer nothing more.
      expect(await step("d", 500)).toEqual({ alerts: [["80", "850"], ["95", "950"], ["100", "1010"]], offers: 3 });
    } finally {
      await sql`drop trigger if exists test_count_alert_offer on usage_alerts`;
      await sql`drop function if exists test_count_alert_offer()`;
      await sql`drop table if exists test_alert_offers`;
    }
  });

  it("has no percentage alerts for a metric without an allowance", async () => {
    const statuses = await sendConcurrently("cus_crosser", "bandwidth_gb", "bw", 400);
    expect(statuses.every((s) => s === "accepted")).toBe(true);
    expect((await alertsOf("cus_crosser")).filter((a) => a.metric === "bandwidth_gb")).toEqual([]);
  });

  it("replaces the plan's thresholds with the customer's own", async () => {
    await sql`update customers set alert_percentages = '{50}' where id = ${ids.cus_custom}`;
    invalidateCatalog();
    await sendConcurrently("cus_custom", "api_calls", "c", 1200);
    expect((await alertsOf("cus_custom")).map((a) => a.threshold)).toEqual(["50"]);
  });

  it("fires each spend amount once when the estimated spend for the period reaches it", async () => {
    const spend = () => sql<{ threshold: string; observed: string }[]>`
      select threshold, observed from usage_alerts where customer_id = ${ids.cus_spender} and kind = 'spend' order by threshold::numeric`;
    await sendConcurrently("cus_spender", "api_calls", "s1", 1400); // 400 billable x $0.01 = $4.00
    expect(await spend()).toEqual([]);
    await sendConcurrently("cus_spender", "api_calls", "s2", 200); // $6.00
    expect(await spend()).toEqual([{ threshold: "5.00", observed: "6.00" }]);
    await sendConcurrently("cus_spender", "api_calls", "s3", 500); // $11.00
    // Both amounts passed: later events offer no spend alert row to Postgres at all.
    await sql`create table if not exists test_spend_offers (n int not null)`;
    await sql`create or replace function test_count_spend_offer() returns trigger language plpgsql as $$ begin
      if new.kind = 'spend' then insert into test_spend_offers values (1); end if; return new; end $$`;
    await sql`create trigger test_count_spend_offer before insert on usage_alerts for each row execute function test_count_spend_offer()`;
    try {
      await sendConcurrently("cus_spender", "api_calls", "s4", 100); // $12.00: nothing new
      expect((await sql<{ n: number }[]>`select count(*)::int as n from test_spend_offers`)[0].n).toBe(0);
    } finally {
      await sql`drop trigger if exists test_count_spend_offer on usage_alerts`;
      await sql`drop function if exists test_count_spend_offer()`;
      await sql`drop table if exists test_spend_offers`;
    }
    expect((await spend()).map((a) => a.threshold)).toEqual(["5.00", "10"]);
  });

  it("starts afresh each period", async () => {
    // Ingested while last period was the current one, then again in this period.
    const lastPeriodNow = previous.start.getTime() + 5 * 86_400_000;
    await sendConcurrently("cus_months", "api_calls", "old", 900, lastPeriodNow, new Date(lastPeriodNow - 60_000).toISOString());
    await sendConcurrently("cus_months", "api_calls", "new", 1000);
    const alerts = await alertsOf("cus_months");
    expect(alerts.map((a) => [a.period_start.getTime(), a.threshold])).toEqual([
      [previous.start.getTime(), "80"],
      [current.start.getTime(), "80"],
      [current.start.getTime(), "95"],
      [current.start.getTime(), "100"],
    ]);
  });
});
