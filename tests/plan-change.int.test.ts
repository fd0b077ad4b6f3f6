import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { customerUpdateSchema, updateCustomer } from "@/lib/admin/customers";
import { createCustomer } from "@/lib/billing/customers";
import { draftInvoices, finalizeInvoice } from "@/lib/billing/invoices";
import { changePlan } from "@/lib/billing/plan-change";
import { periodContaining, previousPeriod } from "@/lib/billing/periods";
import { createPlan } from "@/lib/billing/plans";
import { pricingSchema } from "@/lib/billing/pricing-schema";
import { rate } from "@/lib/billing/rate";
import { closeDb } from "@/lib/db/client";
import { customerByExternalId, invalidateCatalog, loadCustomersById } from "@/lib/metering/catalog";
import { ingestEvents } from "@/lib/metering/ingest";
import { defineMetric } from "@/lib/metering/metrics";
import { currentUsage } from "@/lib/metering/usage";
import { closeRedis } from "@/lib/redis/client";
import { resetState, testSql, withAuditRefused } from "./helpers/fixtures";

const pricing = (unitPrice: string, interval = "month") =>
  pricingSchema.parse({ currency: "USD", interval, taxRate: "0", charges: [{ metric: "api_calls", model: "per_unit", unitPrice }] });
const rule = { interval: "month" as const, anchor: null };
const current = periodContaining(new Date(), rule);
const previous = previousPeriod(current, rule);
const midPrevious = new Date((previous.start.getTime() + previous.end.getTime()) / 2);

describe("plan changes take effect from the next period", () => {
  const sql = testSql();

  beforeAll(async () => {
    await resetState();
    await defineMetric({ code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 0 });
    await createPlan({ code: "basic", name: "Basic", pricing: pricing("0.01") });
    await createPlan({ code: "pro", name: "Pro", pricing: pricing("0.02") });
    await createPlan({ code: "annual", name: "Annual", pricing: pricing("0.01", "year") });
    await createCustomer({ externalId: "cus_mover", name: "Mover", email: "m@example.test", planCode: "basic" });
    await sql`update customers set created_at = now() - interval '120 days'`;
    const receipts = await ingestEvents([
      { id: "before", customer: "cus_mover", metric: "api_calls", quantity: 1000, timestamp: new Date(previous.start.getTime() + 3_600_000).toISOString() },
      { id: "after", customer: "cus_mover", metric: "api_calls", quantity: 3000 },
    ]);
    expect(receipts.every((r) => r.status === "accepted")).toBe(true);
  });

  afterAll(async () => {
    await sql.end();
    await closeDb();
    await closeRedis();
  });

  it("prices the period under way with the old plan and the next one with the new plan", async () => {
    // Changed in the middle of last period: last period stays on basic, this one is on pro.
    const change = await changePlan("cus_mover", "pro", midPrevious);
    expect(change).toEqual({ kind: "scheduled", planCode: "pro", effectiveFrom: current.start.toISOString() });
    invalidateCatalog();
    const customer = (await customerByExternalId("cus_mover"))!;
    expect(customer.planCode).toBe("pro");

    const [lastId] = await draftInvoices([{ customer, period: previous }]);
    const [last] = await sql<{ total: string; plan: string }[]>`
      select i.total::text, p.code as plan from invoices i join plan_versions v on v.id = i.plan_version_id join plans p on p.id = v.plan_id where i.id = ${lastId}`;
    expect(last).toEqual({ total: String(rate(pricing("0.01"), new Map([["api_calls", "1000"]])).total), plan: "basic" });

    const usage = await currentUsage(customer);
    expect(usage.estimatedTotal).toBe(rate(pricing("0.02"), new Map([["api_calls", "3000"]])).total);
    const [thisId] = await draftInvoices([{ customer, period: current }]);
    const [now] = await sql<{ total: string }[]>`select total::text from invoices where id = ${thisId}`;
    expect(Number(now.total)).toBe(usage.estimatedTotal);
    await sql`delete from invoices where id = ${thisId}`;
  });

  it("refuses a second change until the last period on the previous plan is finalized, and another interval", async () => {
    await expect(changePlan("cus_mover", "basic", new Date(current.start.getTime() + 3 * 86_400_000))).rejects.toThrow(/not finalized yet/);
    await expect(changePlan("cus_mover", "annual", new Date(current.start.getTime() + 3 * 86_400_000))).rejects.toThrow(/bills per year/);
  });

  it("replaces or cancels a change that has not taken effect yet", async () => {
    const later = new Date(current.start.getTime() + 3 * 86_400_000);
    const [last] = await sql<{ id: string }[]>`select id from invoices where period_start = ${previous.start.toISOString()}::timestamptz`;
    await finalizeInvoice(Number(last.id), { now: later });
    const scheduled = await changePlan("cus_mover", "basic", later);
    expect(scheduled).toEqual({ kind: "scheduled", planCode: "basic", effectiveFrom: current.end.toISOString() });
    // Editing the customer (same form, same scheduled plan) leaves the scheduled change alone.
    await updateCustomer("cus_mover", customerUpdateSchema.parse({ name: "Mover Ltd", email: "m@example.test", planCode: "basic" }));
    const [kept] = await sql<{ plan: string; changes_at: Date | null }[]>`
      select p.code as plan, c.plan_changes_at as changes_at from customers c join plans p on p.id = c.plan_id where external_id = 'cus_mover'`;
    expect(kept).toEqual({ plan: "basic", changes_at: current.end });
    const cancelled = await changePlan("cus_mover", "pro", later);
    expect(cancelled.kind).toBe("cancelled");
    const [row] = await sql<{ plan: string; previous: string | null; changes_at: Date | null }[]>`
      select p.code as plan, c.previous_plan_id as previous, c.plan_changes_at as changes_at from customers c join plans p on p.id = c.plan_id where external_id = 'cus_mover'`;
    expect(row).toEqual({ plan: "pro", previous: null, changes_at: null });
    const [customer] = await loadCustomersById([Number((await sql`select id from customers where external_id = 'cus_mover'`)[0].id)]);
    expect(customer.planCode).toBe("pro");
  });

  it("saves a console edit whole or not at all: a failed save leaves the plan as it was", async () => {
    await createCustomer({ externalId: "cus_editor", name: "Editor", email: "e@example.test", planCode: "basic" });
    const planOf = async () => (await sql<{ plan: string; name: string }[]>`
      select p.code as plan, c.name from customers c join plans p on p.id = c.plan_id where c.external_id = 'cus_editor'`)[0];
    // The name's update fails after the plan change (a stand-in for any failure mid-save).
    await sql`create or replace function test_refuse_name() returns trigger language plpgsql as $$ begin
      if new.name = 'Refused' then raise exception 'refused by test'; end if; return new; end $$`;
    await sql`create trigger test_refuse_name before update on customers for each row execute function test_refuse_name()`;
    try {
      const edit = (name: string) => updateCustomer("cus_editor", customerUpdateSchema.parse({ name, email: "e@example.test", planCode: "pro" }));
      await expect(edit("Refused")).rejects.toThrow(/refused by test/);
      expect(await planOf()).toEqual({ plan: "basic", name: "Editor" });
      await edit("Edited");
      expect(await planOf()).toEqual({ plan: "pro", name: "Edited" });
    } finally {
      await sql`drop trigger if exists test_refuse_name on customers`;
      await sql`drop function if exists test_refuse_name()`;
    }
  });

  it("records a console edit in the audit log in the same transaction: if the entry cannot be written, nothing is saved", async () => {
    const admin = { id: "user_1", email: "boss@example.test" };
    await createCustomer({ externalId: "cus_audited", name: "Audited", email: "a@example.test", planCode: "basic" });
    const state = async () => (await sql<{ plan: string; next: string | null; name: string }[]>`
      select p.code as plan, (select code from plans where id = c.previous_plan_id) as next, c.name
      from customers c join plans p on p.id = c.plan_id where c.external_id = 'cus_audited'`)[0];
    const before = await state();
    const edit = () => updateCustomer("cus_audited", customerUpdateSchema.parse({ name: "Audited Ltd", email: "a@example.test", planCode: "pro" }), admin);
    await withAuditRefused(sql, () => expect(edit()).rejects.toThrow(/^Not saved: the audit log could not be written/));
    expect(await state()).toEqual(before);

    await edit();
    expect((await state()).name).toBe("Audited Ltd");
    const entries = await sql<{ actor_id: string; action: string; before: { planCode: string }; after: { name: string; planChange: { to: string } | null } }[]>`
      select actor_id, action, before, after from audit_log where entity_type = 'customer' and entity_id = 'cus_audited'`;
    expect(entries.map((e) => [e.actor_id, e.action, e.before.planCode, e.after.name])).toEqual([["user_1", "customer.updated", "basic", "Audited Ltd"]]);
    expect(entries[0].after.planChange).not.toBeNull();
  });
});
