import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/http/api-error";
import { rate } from "./rate";
import { pricingSchema, type Charge, type Pricing } from "./pricing-schema";

const pricing = (charges: unknown[], extra: Partial<Record<string, unknown>> = {}): Pricing =>
  pricingSchema.parse({ currency: "USD", interval: "month", charges, ...extra });
const usage = (entries: Record<string, string>) => new Map(Object.entries(entries));
const subtotalFor = (charge: Record<string, unknown>, quantity: string, extra?: Partial<Record<string, unknown>>) =>
  rate(pricing([{ metric: "m", ...charge }], extra), usage({ m: quantity })).subtotal;

const TIERS = [
  { upTo: "5", unitPrice: "7.00" },
  { upTo: "10", unitPrice: "6.50" },
  { upTo: null, unitPrice: "6.00" },
];

describe("rate: golden cases (cents)", () => {
  it.each([
    ["1", 700], ["5", 3500], ["6", 3900], ["20", 12000], ["25", 15000],
  ])("volume %s -> %d", (quantity, cents) => {
    expect(subtotalFor({ model: "volume", tiers: TIERS }, quantity)).toBe(cents);
  });

  it.each([
    ["1", 700], ["5", 3500], ["6", 4150], ["10", 6750], ["11", 7350], ["20", 12750], ["25", 15750],
  ])("graduated %s -> %d", (quantity, cents) => {
    expect(subtotalFor({ model: "graduated", tiers: TIERS }, quantity)).toBe(cents);
  });

  it.each([
    ["100", 0], ["101", 500], ["201", 1000],
  ])("package of 100 at $5 with 100 included: %s -> %d", (quantity, cents) => {
    expect(subtotalFor({ model: "package", included: "100", packageSize: "100", packagePrice: "5" }, quantity)).toBe(cents);
  });

  const flatTiers = [
    { upTo: "5", unitPrice: "0", flatFee: "1.00" },
    { upTo: "10", unitPrice: "0", flatFee: "0.50" },
    { upTo: "15", unitPrice: "0.05" },
    { upTo: null, unitPrice: "0.01" },
  ];
  it.each([
    ["22", 182], ["6", 150], ["0", 0],
  ])("graduated with flat fees: %s -> %d", (quantity, cents) => {
    expect(subtotalFor({ model: "graduated", tiers: flatTiers }, quantity)).toBe(cents);
  });

  it("prices the design's example: 150,000 calls with 10,000 included -> $1,150.00", () => {
    const result = rate(
      pricing([{ metric: "api_calls", model: "graduated", included: "10000", tiers: [{ upTo: "100000", unitPrice: "0.01" }, { upTo: null, unitPrice: "0.005" }] }]),
      usage({ api_calls: "150000" }),
    );
    expect(result.subtotal).toBe(115_000);
    expect(result.lines.map((l) => [l.tier, l.quantity, l.amount])).toEqual([[1, "90000", 90_000], [2, "50000", 25_000]]);
  });

  it("rounds each line once, half-up: 0.0005 x 30 -> 2 cents, two such lines -> 4 cents", () => {
    expect(subtotalFor({ model: "per_unit", unitPrice: "0.0005" }, "30")).toBe(2);
    const two = rate(
      pricing([{ metric: "a", model: "per_unit", unitPrice: "0.0005" }, { metric: "b", model: "per_unit", unitPrice: "0.0005" }]),
      usage({ a: "30", b: "30" }),
    );
    expect(two.subtotal).toBe(4);
  });

  it("uses each currency's minor unit: JPY 500 at 1 -> 500, KWD 5.124 -> 5124", () => {
    expect(subtotalFor({ model: "per_unit", unitPrice: "1" }, "500", { currency: "JPY" })).toBe(500);
    expect(subtotalFor({ model: "per_unit", unitPrice: "5.124" }, "1", { currency: "KWD" })).toBe(5124);
  });

  it("adds the base fee, a minimum-commitment shortfall line, and tax rounded once", () => {
    const result = rate(
      pricing([{ metric: "m", model: "per_unit", unitPrice: "0.10" }], { baseFee: "10", minimumCommitment: "50", taxRate: "0.0825" }),
      usage({ m: "100" }),
    );
    // 10.00 base + 10.00 usage = 20.00, topped up to 50.00; tax 8.25 % of 50.00 = 4.125 -> 4.13
    expect(result.lines.map((l) => [l.kind, l.amount])).toEqual([["base_fee", 1000], ["usage", 1000], ["minimum_commitment", 3000]]);
    expect([result.subtotal, result.tax, result.total]).toEqual([5000, 413, 5413]);
  });

  it("charges nothing for zero usage, even with flat fees", () => {
    const charges: Charge[] = [
      { metric: "m", model: "volume", tiers: [{ upTo: "10", unitPrice: "1", flatFee: "5" }, { upTo: null, unitPrice: "0.5" }] },
    ];
    expect(rate(pricing(charges), usage({})).total).toBe(0);
  });

  it("refuses an amount a JSON number cannot hold exactly, on a line or in the sum, instead of rounding it", () => {
    const perUnit = pricing([{ metric: "a", model: "per_unit", unitPrice: "1" }, { metric: "b", model: "per_unit", unitPrice: "1" }]);
    // 2^53 - 1 minor units is the largest amount stated exactly.
    expect(rate(perUnit, usage({ a: "90071992547409.91" })).total).toBe(Number.MAX_SAFE_INTEGER);
    const refused = (quantities: Record<string, string>) => {
      try {
        rate(perUnit, usage(quantities));
      } catch (error) {
        return error instanceof ApiError ? error.code : String(error);
      }
      return "priced";
    };
    expect(refused({ a: "90071992547409.92" })).toBe("amount_out_of_range");
    expect(refused({ a: "50000000000000", b: "50000000000000" })).toBe("amount_out_of_range");
    const taxed = pricing([{ metric: "a", model: "per_unit", unitPrice: "1" }], { taxRate: "0.5" });
    expect(() => rate(taxed, usage({ a: "80000000000000" }))).toThrow(/exactly/);
  });

  it("prices one charge object right under two currencies (what it works out once is kept per currency)", () => {
    const charge = pricingSchema.parse({ currency: "USD", interval: "month", charges: [{ metric: "m", model: "graduated", tiers: [{ upTo: "10", unitPrice: "1.255", flatFee: "2" }, { upTo: null, unitPrice: "0.5" }] }] }).charges[0];
    const usd = { ...pricing([]), currency: "USD", charges: [charge] } as Pricing;
    const jpy = { ...pricing([]), currency: "JPY", charges: [charge] } as Pricing;
    // 10 x 1.255 + 2 = 14.55 and 2 x 0.5 = 1.00: 1455 + 100 cents, or 15 (14.55 half-up) + 1 yen.
    for (let i = 0; i < 2; i++) {
      expect(rate(usd, usage({ m: "12" })).lines.map((l) => l.amount)).toEqual([1455, 100]);
      expect(rate(jpy, usage({ m: "12" })).lines.map((l) => l.amount)).toEqual([15, 1]);
    }
  });
});
