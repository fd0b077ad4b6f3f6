import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { createCustomer } from "@/lib/billing/customers";
import { draftInvoice } from "@/lib/billing/invoices";
import { periodContaining, previousPeriod } from "@/lib/billing/periods";
import { createPlan } from "@/lib/billing/plans";
import { pricingSchema } from "@/lib/billing/pricing-schema";
import { rate } from "@/lib/billing/rate";
import { closeDb } from "@/lib/db/client";
import { customerByExternalId } from "@/lib/metering/catalog";
import { readCounters } from "@/lib/metering/counters";
import { ingestEvents } from "@/lib/metering/ingest";
import { defineMetric } from "@/lib/metering/metrics";
import { closeRedis } from "@/lib/redis/client";
import { loadMetrics } from "./helpers/counters";
import { resetState, testSql } from "./helpers/fixtures";

const PRICING = pricingSchema.parse({
  currency: "USD", interval: "month", baseFee: "2.50", minimumCommitment: "4", taxRate: "0.0725",
  charges: [
    { metric: "calls", model: "graduated", included: "3", tiers: [{ upTo: "10", unitPrice: "0.0333", flatFee: "0.25" }, { upTo: "50.5", unitPrice: "0.0125" }, { upTo: null, unitPrice: "0.0005" }] },
    { metric: "gb", model: "volume", tiers: [{ upTo: "2", unitPrice: "1.10" }, { upTo: null, unitPrice: "0.85", flatFee: "1" }] },
    { metric: "peak", model: "per_unit", included: "1.5", unitPrice: "0.333333" },
    { metric: "users", model: "package", packageSize: "3", packagePrice: "1.99" },
  ],
});
const rule = { interval: "month" as const, anchor: null };
const previous = previousPeriod(periodContaining(new Date(), rule), rule);

const event = fc.record({
  metric: fc.constantFrom("calls", "gb", "peak", "users"),
  quantity: fc.integer({ min: 0, max: 99_999 }).map((n) => (n / 1000).toFixed(3)),
  offset: fc.integer({ min: 0, max: previous.end.getTime() - previous.start.getTime() - 1 }),
  user: fc.integer({ min: 0, max: 9 }),
});

describe("the live estimate equals the invoice for the same usage", () => {
  const sql = testSql();

  beforeAll(async () => {
    await resetState();
    await defineMetric({ code: "calls", name: "Calls", unit: "call", aggregation: "sum", property: null, decimals: 3 });
    await defineMetric({ code: "gb", name: "GB", unit: "GB", aggregation: "latest", property: null, decimals: 3 });
    await defineMetric({ code: "peak", name: "Peak", unit: "rps", aggregation: "max", property: null, decimals: 3 });
    await defineMetric({ code: "users", name: "Users", unit: "user", aggregation: "unique_count", property: "user", decimals: 3 });
    await createPlan({ code: "mixed", name: "Mixed", pricing: PRICING });
  });

  afterAll(async () => {
    await sql.end();
    await closeDb();
    await closeRedis();
  });

  it("for random usage, rate() on the Redis counters gives the invoice total from Postgres, to the cent", async () => {
    const metrics = await loadMetrics(sql);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 0, maxLength: 60 }), async (events) => {
        const externalId = `cus_prop_${run++}`;
        await createCustomer({ externalId, name: externalId, email: `${externalId}@example.test`, planCode: "mixed" });
        const receipts = await ingestEvents(
          events.map((e, i) => ({
            id: `${externalId}-${i}`, customer: externalId, metric: e.metric, quantity: e.quantity,
            timestamp: new Date(previous.start.getTime() + e.offset).toISOString(), properties: { user: `u${e.user}` },
          })),
        );
        expect(receipts.every((r) => r.status === "accepted")).toBe(true);
        const customer = (await customerByExternalId(externalId))!;
        const counters = await readCounters(customer.id, metrics, previous);
        const estimate = rate(PRICING, new Map(metrics.map((m) => [m.code, counters.get(m.id) ?? "0"])), previous);
        const invoice = await draftInvoice(customer, previous);
        expect(invoice?.total).toBe(estimate.total);
        expect(invoice?.lines).toEqual(estimate.lines);
      }),
      { numRuns: 25 },
    );
  });
});
