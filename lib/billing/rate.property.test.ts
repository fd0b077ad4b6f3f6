import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dec } from "./money";
import { rate } from "./rate";
import { pricingSchema } from "./pricing-schema";

/** Quantities with up to 3 decimals, prices with up to 4. */
const quantity = fc.integer({ min: 0, max: 5_000_000 }).map((n) => new Dec(n).dividedBy(1000).toFixed());
const price = fc.integer({ min: 0, max: 100_000 }).map((n) => new Dec(n).dividedBy(10_000).toFixed());
const tiers = fc
  .tuple(fc.uniqueArray(fc.integer({ min: 1, max: 4000 }), { minLength: 0, maxLength: 4 }), fc.array(price, { minLength: 5, maxLength: 5 }), fc.array(price, { minLength: 5, maxLength: 5 }))
  .map(([bounds, prices, fees]) => {
    const sorted = [...bounds].sort((a, b) => a - b);
    return [...sorted.map(String), null].map((upTo, i) => ({ upTo, unitPrice: prices[i], flatFee: fees[i] }));
  });
const included = fc.integer({ min: 0, max: 2000 }).map(String);

const graduated = (t: unknown, inc: string) =>
  pricingSchema.parse({ currency: "USD", interval: "month", charges: [{ metric: "m", model: "graduated", included: inc, tiers: t }] });
const usage = (q: string) => new Map([["m", q]]);

describe("rate: properties", () => {
  it("graduated cost never decreases as usage grows", () => {
    fc.assert(
      fc.property(tiers, included, quantity, quantity, (t, inc, a, b) => {
        const [low, high] = new Dec(a).lte(b) ? [a, b] : [b, a];
        const plan = graduated(t, inc);
        expect(rate(plan, usage(high)).total).toBeGreaterThanOrEqual(rate(plan, usage(low)).total);
      }),
    );
  });

  it("line quantities add up to the billable usage", () => {
    fc.assert(
      fc.property(tiers, included, quantity, (t, inc, q) => {
        const lines = rate(graduated(t, inc), usage(q)).lines;
        const sum = lines.reduce((acc, line) => acc.plus(line.quantity), new Dec(0));
        expect(sum.toFixed()).toBe(Dec.max(0, new Dec(q).minus(inc)).toFixed());
      }),
    );
  });

  it("a single-tier graduated plan prices like volume", () => {
    fc.assert(
      fc.property(price, included, quantity, (unitPrice, inc, q) => {
        const single = [{ upTo: null, unitPrice }];
        const asVolume = pricingSchema.parse({ currency: "USD", interval: "month", charges: [{ metric: "m", model: "volume", included: inc, tiers: single }] });
        expect(rate(graduated(single, inc), usage(q)).total).toBe(rate(asVolume, usage(q)).total);
      }),
    );
  });
});
