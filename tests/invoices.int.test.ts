import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { createCustomer } from "@/lib/billing/customers";
import { finalizeInvoice, payInvoice } from "@/lib/billing/invoices";
import { closeDuePeriods, GRACE_PERIOD_MS } from "@/lib/billing/period-close";
import { createInvoiceRun, executeInvoiceRun } from "@/lib/billing/invoice-runs";
import { periodContaining, previousPeriod } from "@/lib/billing/periods";
import { createPlan } from "@/lib/billing/plans";
import { pricingSchema } from "@/lib/billing/pricing-schema";
import { rate } from "@/lib/billing/rate";
import { closeDb } from "@/lib/db/client";
import { readCounters } from "@/lib/metering/counters";
import { ingestEvents } from "@/lib/metering/ingest";
import { defineMetric } from "@/lib/metering/metrics";
import { closeRedis } from "@/lib/redis/client";
import { resetState, testSql, withAuditRefused } from "./helpers/fixtures";
import { loadMetrics } from "./helpers/counters";

const CUSTOMERS = 55;
const PRICING = {
  currency: "USD", interval: "month", baseFee: "5", minimumCommitment: "0", taxRate: "0.10",
  charges: [{ metric: "api_calls", model: "graduated", included: "100", tiers: [{ upTo: "1000", unitPrice: "0.01" }, { upTo: null, unitPrice: "0.005" }] }],
};
const rule = { interval: "month" as const, anchor: null };
const previous = previousPeriod(periodContaining(new Date(), rule), rule);
const at = (offsetMs: number) => new Date(previous.start.getTime() + offsetMs).toISOString();

describe("invoices", () => {
  const sql = testSql();

  beforeAll(async () => {
    await resetState();
    await defineMetric({ code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 0 });
    await createPlan({ code: "startup", name: "Startup", pricing: pricingSchema.parse(PRICING) });
    for (let c = 0; c < CUSTOMERS; c++) {
      await createCustomer({ externalId: `cus_inv_${c}`, name: `C${c}`, email: `c${c}@example.test`, planCode: "startup" });
    }
    // They signed up long ago: periods that ended before a customer existed are not billed.
    await sql`update customers set created_at = now() - interval '120 days'`;
    const events = Array.from({ length: CUSTOMERS * 20 }, (_, i) => ({
      id: `prev-${i}`, customer: `cus_inv_${i % CUSTOMERS}`, metric: "api_calls", quantity: 37 + (i % 50), timestamp: at(3_600_000 + i * 1000),
    }));
    for (let i = 0; i < events.length; i += 500) {
      const receipts = await ingestEvents(events.slice(i, i + 500));
      expect(receipts.every((r) => r.status === "accepted")).toBe(true);
    }
  });

  afterAll(async () => {
    await sql.end();
    await closeDb();
    await closeRedis();
  });

  it("10 concurrent invoice runs for the same period create exactly one invoice per customer", async () => {
    const runs = await Promise.all(Array.from({ length: 10 }, () => createInvoiceRun({ periodEnd: previous.end.toISOString() })));
    await Promise.all(runs.map((run) => executeInvoiceRun(run.id)));
    const [{ n, distinct }] = await sql<{ n: number; distinct: number }[]>`
      select count(*)::int as n, count(distinct customer_id)::int as distinct from invoices where period_start = ${previous.start}`;
    expect([n, distinct]).toEqual([CUSTOMERS, CUSTOMERS]);
    const progress = await sql<{ status: string; total: number; done: number; failed: number }[]>`select status, total, done, failed from invoice_runs`;
    expect(progress).toHaveLength(10);
    for (const run of progress) expect(run).toEqual({ status: "completed", total: CUSTOMERS, done: CUSTOMERS, failed: 0 });
  });

  it("does not invoice a customer for a period that ended before they signed up", async () => {
    await createCustomer({ externalId: "cus_newcomer", name: "Newcomer", email: "new@example.test", planCode: "startup" });
    const run = await createInvoiceRun({ periodEnd: previous.end.toISOString() });
    await executeInvoiceRun(run.id);
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from invoices i join customers c on c.id = i.customer_id where c.external_id = 'cus_newcomer'`;
    expect(n).toBe(0);
    const [progress] = await sql<{ total: number; done: number; failed: number }[]>`select total, done, failed from invoice_runs where id = ${run.id}`;
    expect(progress).toEqual({ total: CUSTOMERS + 1, done: CUSTOMERS + 1, failed: 0 });
  });

  it("prices each invoice from Postgres exactly as rate() and the live counters would", async () => {
    const [invoice] = await sql<{ customer_id: string; total: string; usage: Record<string, string> }[]>`
      select customer_id, total::text, usage from invoices order by id limit 1`;
    const metrics = await loadMetrics(sql);
    const live = await readCounters(Number(invoice.customer_id), metrics, previous);
    const used = new Map(metrics.map((m) => [m.code, live.get(m.id) ?? "0"]));
    expect(Object.fromEntries(used)).toEqual(invoice.usage);
    expect(String(rate(pricingSchema.parse(PRICING), used).total)).toBe(invoice.total);
  });

  it("50 concurrent finalizations, one failing and one of a deleted draft, number without gap or repeat", async () => {
    const drafts = await sql<{ id: string }[]>`select id from invoices where status = 'draft' order by id limit 52`;
    const [deleted, failing, ...rest] = drafts.map((d) => Number(d.id));
    await sql`delete from invoices where id = ${deleted}`;
    const outcomes = await Promise.allSettled([
      finalizeInvoice(deleted),
      finalizeInvoice(failing, { beforeCommit: () => { throw new Error("simulated crash before commit"); } }),
      ...rest.slice(0, 48).map((id) => finalizeInvoice(id)),
    ]);
    expect(outcomes.filter((o) => o.status === "rejected")).toHaveLength(2);
    const numbers = (await sql<{ number: string }[]>`select number from invoices where number is not null order by number`).map((r) => r.number);
    expect(numbers).toEqual(Array.from({ length: 48 }, (_, i) => `INV-${new Date().getUTCFullYear()}-${String(i + 1).padStart(6, "0")}`));
    const [{ status }] = await sql<{ status: string }[]>`select status from invoices where id = ${failing}`;
    expect(status).toBe("draft");
  });

  it("a late event re-rates the draft; after finalization it is refused and the invoice stays as it was", async () => {
    const [draft] = await sql<{ id: string; customer: string; total: string }[]>`
      select i.id, c.external_id as customer, i.total::text from invoices i join customers c on c.id = i.customer_id
      where i.status = 'draft' order by i.id limit 1`;
    const late = { id: "late-1", customer: draft.customer, metric: "api_calls", quantity: 5000, timestamp: at(7_200_000) };
    expect(await ingestEvents([late])).toEqual([{ id: "late-1", status: "accepted" }]);
    const run = await createInvoiceRun({ periodEnd: previous.end.toISOString(), customer: draft.customer });
    await executeInvoiceRun(run.id);
    const [redrafted] = await sql<{ total: string }[]>`select total::text from invoices where id = ${draft.id}`;
    expect(Number(redrafted.total)).toBeGreaterThan(Number(draft.total));

    await finalizeInvoice(Number(draft.id));
    const [final] = await sql<{ total: string; lines: unknown }[]>`select total::text, lines from invoices where id = ${draft.id}`;
    expect(final.total).toBe(redrafted.total);
    // In one group with an event of the open period: only that one is stored and counted.
    const current = { id: "current-1", customer: draft.customer, metric: "api_calls", quantity: 7, timestamp: new Date().toISOString() };
    const refused = await ingestEvents([{ ...late, id: "late-2" }, current, { ...late, id: "late-3" }]);
    expect(refused.map((r) => (r.status === "rejected" ? r.error.code : r.status))).toEqual(["period_closed", "accepted", "period_closed"]);
    const stored = await sql<{ event_id: string }[]>`select event_id from usage_events where event_id in ('late-2', 'current-1', 'late-3')`;
    expect(stored.map((r) => r.event_id)).toEqual(["current-1"]);
    const [after] = await sql<{ total: string; lines: unknown }[]>`select total::text, lines from invoices where id = ${draft.id}`;
    expect(after).toEqual(final);
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from usage_events where event_id = 'late-2'`;
    expect(n).toBe(0);
  });

  it("an invoice's change and its audit entry commit together: if the entry cannot be written, the invoice stays draft and no number is used", async () => {
    const actor = { id: "user_1", email: "boss@example.test" };
    const [draft] = await sql<{ id: string }[]>`select id from invoices where status = 'draft' order by id limit 1`;
    const id = Number(draft.id);
    const sequence = async () => (await sql<{ last: number }[]>`select coalesce(max(last_number), 0)::int as last from invoice_sequences`)[0].last;
    const numbered = await sequence();
    await withAuditRefused(sql, () => expect(finalizeInvoice(id, { actor })).rejects.toThrow(/^Not saved: the audit log could not be written/));
    const [kept] = await sql<{ status: string; number: string | null }[]>`select status, number from invoices where id = ${id}`;
    expect(kept).toEqual({ status: "draft", number: null });
    expect(await sequence()).toBe(numbered);

    await finalizeInvoice(id, { actor });
    await payInvoice(id, { actor });
    const entries = await sql<{ actor_id: string; actor_email: string; action: string }[]>`
      select actor_id, actor_email, action from audit_log where entity_type = 'invoice' and entity_id = ${String(id)} order by id`;
    expect(entries).toEqual([
      { actor_id: "user_1", actor_email: "boss@example.test", action: "invoice.finalized" },
      { actor_id: "user_1", actor_email: "boss@example.test", action: "invoice.paid" },
    ]);
    expect(await sequence()).toBe(numbered + 1);
  });

  it("the scheduled close re-rates drafts during the grace period and finalizes them after it", async () => {
    const [before] = await sql<{ drafts: number }[]>`select count(*)::int as drafts from invoices where status = 'draft'`;
    expect(before.drafts).toBeGreaterThan(0);
    const inGrace = await closeDuePeriods(new Date(previous.end.getTime() + GRACE_PERIOD_MS / 2));
    // Every draft is re-rated, and the draft deleted earlier is back; finalized ones are untouched.
    expect(inGrace).toEqual({ drafted: before.drafts + 1, finalized: 0 });
    const [{ drafts }] = await sql<{ drafts: number }[]>`select count(*)::int as drafts from invoices where status = 'draft'`;
    expect(drafts).toBe(before.drafts + 1);
    const afterGrace = await closeDuePeriods(new Date(previous.end.getTime() + GRACE_PERIOD_MS + 3_600_000));
    expect(afterGrace).toEqual({ drafted: 0, finalized: drafts });
    const [after] = await sql<{ drafts: number; gaps: number }[]>`
      select count(*) filter (where status = 'draft')::int as drafts,
             (max(substring(number from 10)::int) - count(number))::int as gaps from invoices`;
    expect(after).toEqual({ drafts: 0, gaps: 0 });
    // Each automatic finalization is in the audit log, by the period close.
    const [{ audited }] = await sql<{ audited: number }[]>`
      select count(*)::int as audited from audit_log where action = 'invoice.finalized' and actor_id = 'system:period_close' and actor_email = 'Period close (automatic)'`;
    expect(audited).toBe(drafts);
  });

  it("the database refuses to change a finalized invoice's money", async () => {
    const [finalized] = await sql<{ id: string }[]>`select id from invoices where status = 'finalized' limit 1`;
    await expect(sql`update invoices set total = 0 where id = ${finalized.id}`).rejects.toThrow(/frozen/);
    await expect(sql`delete from invoices where id = ${finalized.id}`).rejects.toThrow(/cannot be deleted/);
    await expect(sql`update invoices set status = 'draft' where id = ${finalized.id}`).rejects.toThrow(/cannot go from finalized to draft/);
  });

  it("the customer and the metric an invoice was rated for cannot be deleted, and an invoice cannot name what does not exist", async () => {
    // Invoices carry no foreign keys (migration 0013); triggers keep their ids valid (0013, 0014).
    const counts = () => sql<{ customers: number; metrics: number }[]>`
      select (select count(*)::int from customers) as customers, (select count(*)::int from billable_metrics) as metrics`;
    const [before] = await counts();
    const [invoice] = await sql<{ customer_id: string }[]>`select customer_id from invoices limit 1`;
    await expect(sql`delete from customers where id = ${invoice.customer_id}`).rejects.toThrow(/customers are never deleted/);
    await expect(sql`delete from billable_metrics where code = 'api_calls'`).rejects.toThrow(/billable_metrics are never deleted/);
    expect((await counts())[0]).toEqual(before);
    expect(before.metrics).toBe(1);
    // And an invoice cannot name a customer or a plan version that does not exist.
    const [{ missing }] = await sql<{ missing: string }[]>`select (max(id) + 1)::text as missing from customers`;
    await expect(sql`insert into invoices (customer_id, period_start, period_end, currency, lines, usage, subtotal, tax, total)
      values (${missing}, '2020-01-01', '2020-02-01', 'USD', '[]', '{}', 0, 0, 0)`).rejects.toThrow(/names a customer that does not exist/);
    const [draft] = await sql<{ id: string }[]>`insert into invoices (customer_id, period_start, period_end, currency, lines, usage, subtotal, tax, total)
      values (${invoice.customer_id}, '2020-01-01', '2020-02-01', 'USD', '[]', '{}', 0, 0, 0) returning id`;
    await expect(sql`update invoices set plan_version_id = 987654321 where id = ${draft.id}`).rejects.toThrow(/names a plan version that does not exist/);
    await sql`delete from invoices where id = ${draft.id}`;
  });
});
