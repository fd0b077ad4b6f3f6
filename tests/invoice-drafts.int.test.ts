import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { createCustomer } from "@/lib/billing/customers";
import { createInvoiceRun, executeInvoiceRun } from "@/lib/billing/invoice-runs";
import { periodContaining, previousPeriod } from "@/lib/billing/periods";
import { createPlan } from "@/lib/billing/plans";
import { pricingSchema } from "@/lib/billing/pricing-schema";
import { closeDb } from "@/lib/db/client";
import { ingestEvents } from "@/lib/metering/ingest";
import { defineMetric } from "@/lib/metering/metrics";
import { closeRedis } from "@/lib/redis/client";
import { resetState, testSql } from "./helpers/fixtures";

// Drafts are written with a plain insert while they are new, and with the upsert once some exist:
// a run over customers of which some already have a draft must fall back, write nothing twice and
// record invoice.drafted only for the new ones.
const PRICING = {
  currency: "USD", interval: "month", baseFee: "0", minimumCommitment: "0", taxRate: "0",
  charges: [{ metric: "api_calls", model: "per_unit", unitPrice: "0.01" }],
};
const rule = { interval: "month" as const, anchor: null };
const previous = previousPeriod(periodContaining(new Date(), rule), rule);
const at = (offsetMs: number) => new Date(previous.start.getTime() + offsetMs).toISOString();

describe("drafting invoices: plain insert first, upsert once drafts exist", () => {
  const sql = testSql();

  async function addCustomers(from: number, to: number) {
    for (let c = from; c < to; c++) {
      await createCustomer({ externalId: `cus_draft_${c}`, name: `C${c}`, email: `d${c}@example.test`, planCode: "flat" });
    }
    await sql`update customers set created_at = now() - interval '120 days'`;
    const events = Array.from({ length: (to - from) * 3 }, (_, i) => ({
      id: `draft-${from}-${i}`, customer: `cus_draft_${from + (i % (to - from))}`, metric: "api_calls", quantity: 100, timestamp: at(3_600_000 + i * 1000),
    }));
    const receipts = await ingestEvents(events);
    expect(receipts.every((r) => r.status === "accepted")).toBe(true);
  }

  async function run() {
    const created = await createInvoiceRun({ periodEnd: previous.end.toISOString() });
    await executeInvoiceRun(created.id);
    const [state] = await sql<{ status: string; done: number; failed: number }[]>`select status, done, failed from invoice_runs where id = ${created.id}`;
    return state;
  }

  beforeAll(async () => {
    await resetState();
    await defineMetric({ code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 0 });
    await createPlan({ code: "flat", name: "Flat", pricing: pricingSchema.parse(PRICING) });
    await sql`insert into webhook_endpoints (url, secret, event_types) values ('https://hooks.example.test/drafts', 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=', '{invoice.drafted}')`;
  });

  afterAll(async () => {
    await sql.end();
    await closeDb();
    await closeRedis();
  });

  it("drafts new customers, then re-rates existing drafts and adds new ones in one run, each drafted event once", async () => {
    await addCustomers(0, 30);
    expect(await run()).toEqual({ status: "completed", done: 30, failed: 0 });
    const first = await sql<{ customer_id: string; id: string; total: string }[]>`select customer_id, id, total::text from invoices order by customer_id`;
    expect(first.map((row) => row.total)).toEqual(Array(30).fill("300")); // 300 calls at 1 cent

    // Late usage for five customers, and ten customers without a draft yet.
    const late = Array.from({ length: 5 }, (_, i) => ({ id: `late-${i}`, customer: `cus_draft_${i * 2}`, metric: "api_calls", quantity: 1000, timestamp: at(7_200_000 + i) }));
    expect((await ingestEvents(late)).every((r) => r.status === "accepted")).toBe(true);
    await addCustomers(30, 40);
    expect(await run()).toEqual({ status: "completed", done: 40, failed: 0 });

    const invoices = await sql<{ customer: string; id: string; total: string; usage: Record<string, string> }[]>`
      select c.external_id as customer, i.id, i.total::text, i.usage from invoices i join customers c on c.id = i.customer_id order by i.customer_id`;
    expect(invoices).toHaveLength(40);
    const ids = new Map(first.map((row) => [row.customer_id, row.id]));
    for (const invoice of invoices) {
      const n = Number(invoice.customer.slice("cus_draft_".length));
      const lateUsage = n < 10 && n % 2 === 0 ? 1000 : 0;
      expect(invoice.usage.api_calls, invoice.customer).toBe(String(300 + lateUsage));
      expect(invoice.total, invoice.customer).toBe(String(300 + lateUsage));
    }
    // The first thirty kept their rows (re-rated in place).
    const kept = await sql<{ n: number }[]>`select count(*)::int as n from invoices i where i.id = any(${[...ids.values()]}::int8[])`;
    expect(kept[0].n).toBe(30);
    // invoice.drafted once per invoice: thirty from the first run, ten from the second.
    const [{ drafted, distinct }] = await sql<{ drafted: number; distinct: number }[]>`
      select count(*)::int as drafted, count(distinct payload #>> '{data,invoice,id}')::int as distinct from webhook_deliveries where event_type = 'invoice.drafted'`;
    expect([drafted, distinct]).toEqual([40, 40]);
  });
});
