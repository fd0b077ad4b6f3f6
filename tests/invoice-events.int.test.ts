import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { createCustomer } from "@/lib/billing/customers";
import { draftInvoices, finalizeInvoice, payInvoice, voidInvoice } from "@/lib/billing/invoices";
import { periodContaining, previousPeriod } from "@/lib/billing/periods";
import { createPlan } from "@/lib/billing/plans";
import { pricingSchema } from "@/lib/billing/pricing-schema";
import { closeDb } from "@/lib/db/client";
import { closeWebhookQueue } from "@/lib/jobs/webhook-queue";
import { loadCustomersById } from "@/lib/metering/catalog";
import { ingestEvents } from "@/lib/metering/ingest";
import { defineMetric } from "@/lib/metering/metrics";
import { closeRedis } from "@/lib/redis/client";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { resetState, testSql } from "./helpers/fixtures";

const rule = { interval: "month" as const, anchor: null };
const previous = previousPeriod(periodContaining(new Date(), rule), rule);
const TYPES = ["invoice.drafted", "invoice.finalized", "invoice.paid", "invoice.voided"] as const;

/**
 * An invoice change and the webhook event reporting it commit together or not at all. Storing
 * the event is made to fail at commit time (a deferred trigger): if the two were written in
 * separate transactions, the change would be left behind without its event.
 */
describe("invoice events are recorded in the same transaction as the change", () => {
  const sql = testSql();
  let customerId = 0;

  const failStoringEvents = (type: string) =>
    sql.unsafe(`create constraint trigger fail_invoice_event after insert on webhook_deliveries
      deferrable initially deferred for each row when (new.event_type = '${type}') execute function test_fail_invoice_event()`);
  const storeEventsAgain = () => sql`drop trigger fail_invoice_event on webhook_deliveries`;
  const events = async (type: string) =>
    sql<{ payload: { data: { invoice: { id: number; number: string | null; status: string } } } }[]>`select payload from webhook_deliveries where event_type = ${type} order by id`;
  const invoice = async () => (await sql<{ id: string; status: string; number: string | null; total: string }[]>`select id, status, number, total from invoices where customer_id = ${customerId}`)[0];

  beforeAll(async () => {
    await resetState();
    await sql`drop trigger if exists fail_invoice_event on webhook_deliveries`;
    await sql`create or replace function test_fail_invoice_event() returns trigger language plpgsql as $$ begin raise exception 'storing the webhook event failed'; end $$`;
    await defineMetric({ code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 0 });
    await createPlan({ code: "metered", name: "Metered", pricing: pricingSchema.parse({ currency: "USD", interval: "month", charges: [{ metric: "api_calls", model: "per_unit", unitPrice: "0.01" }] }) });
    customerId = (await createCustomer({ externalId: "cus_atomic", name: "Atomic", email: "a@example.test", planCode: "metered" })).id;
    await sql`update customers set created_at = now() - interval '120 days'`;
    // Nobody listens: only the stored events matter here (no worker runs in this file).
    await createEndpoint({ url: "http://127.0.0.1:9/hooks", eventTypes: [...TYPES] });
    await ingestEvents([{ id: "usage-1", customer: "cus_atomic", metric: "api_calls", quantity: 1234, timestamp: new Date(previous.start.getTime() + 3_600_000).toISOString() }]);
  }, 60_000);

  afterAll(async () => {
    await sql`drop trigger if exists fail_invoice_event on webhook_deliveries`;
    await sql`drop function if exists test_fail_invoice_event()`;
    await sql`truncate webhook_endpoints cascade`;
    await sql.end();
    await closeWebhookQueue();
    await closeDb();
    await closeRedis();
  });

  it("drafting, finalizing, paying and voiding each leave nothing behind when their event cannot be stored; drafting, finalizing and voiding then succeed with exactly one event", async () => {
    const [customer] = await loadCustomersById([customerId]);

    await failStoringEvents("invoice.drafted");
    await expect(draftInvoices([{ customer, period: previous }])).rejects.toThrow(/storing the webhook event failed/);
    expect(await invoice()).toBeUndefined();
    await storeEventsAgain();
    const [id] = await draftInvoices([{ customer, period: previous }]);
    expect(await invoice()).toMatchObject({ status: "draft", number: null, total: "1234" });
    expect((await events("invoice.drafted")).map((e) => e.payload.data.invoice.id)).toEqual([id]);
    // Re-rating the draft writes the same invoice and records no second invoice.drafted.
    expect(await draftInvoices([{ customer, period: previous }])).toEqual([id]);
    expect((await events("invoice.drafted")).map((e) => e.payload.data.invoice.id)).toEqual([id]);

    await failStoringEvents("invoice.finalized");
    await expect(finalizeInvoice(id)).rejects.toThrow(/storing the webhook event failed/);
    // Still a draft, and the number it was about to take is not used up: no gap.
    expect(await invoice()).toMatchObject({ status: "draft", number: null });
    expect(await sql`select * from invoice_sequences`).toHaveLength(0);
    expect(await events("invoice.finalized")).toHaveLength(0);
    await storeEventsAgain();
    await finalizeInvoice(id);
    const number = `INV-${new Date().getUTCFullYear()}-000001`;
    expect(await invoice()).toMatchObject({ status: "finalized", number });
    expect((await events("invoice.finalized")).map((e) => e.payload.data.invoice)).toEqual([expect.objectContaining({ id: Number(id), number, status: "finalized" })]);

    await failStoringEvents("invoice.paid");
    await expect(payInvoice(id)).rejects.toThrow(/storing the webhook event failed/);
    expect(await invoice()).toMatchObject({ status: "finalized" });
    await storeEventsAgain();

    await failStoringEvents("invoice.voided");
    await expect(voidInvoice(id, "billed twice")).rejects.toThrow(/storing the webhook event failed/);
    expect(await invoice()).toMatchObject({ status: "finalized" });
    expect(await events("invoice.paid")).toHaveLength(0);
    expect(await events("invoice.voided")).toHaveLength(0);
    await storeEventsAgain();
    await voidInvoice(id, "billed twice");
    expect(await invoice()).toMatchObject({ status: "void", number });
    expect((await events("invoice.voided")).map((e) => e.payload.data.invoice.status)).toEqual(["void"]);
  });
});
