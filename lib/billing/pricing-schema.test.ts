import { describe, expect, it } from "vitest";
import { pricingSchema, versionPricing } from "./pricing-schema";

const base = { currency: "USD", interval: "month" };
const graduated = (tiers: unknown[]) => ({ ...base, charges: [{ metric: "api_calls", model: "graduated", tiers }] });

function issues(input: unknown) {
  const result = pricingSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

describe("pricing schema", () => {
  it("accepts the design's example", () => {
    const example = {
      ...base, baseFee: "0", minimumCommitment: "0", taxRate: "0.10",
      charges: [
        { metric: "api_calls", model: "graduated", included: "10000", tiers: [{ upTo: "100000", unitPrice: "0.01" }, { upTo: null, unitPrice: "0.005" }] },
        { metric: "storage_gb", model: "per_unit", included: "5", unitPrice: "0.10" },
        { metric: "bandwidth_gb", model: "volume", tiers: [{ upTo: "1000", unitPrice: "0.09", flatFee: "0" }, { upTo: null, unitPrice: "0.05" }] },
        { metric: "seats", model: "package", packageSize: "10", packagePrice: "5.00" },
      ],
    };
    expect(pricingSchema.safeParse(example).success).toBe(true);
  });

  it.each([
    ["a gap between tiers", [{ from: "0", upTo: "100", unitPrice: "1" }, { from: "200", upTo: null, unitPrice: "1" }], "charges.0.tiers.1.from", /gap between tiers/],
    ["overlapping tiers", [{ upTo: "100", unitPrice: "1" }, { from: "50", upTo: null, unitPrice: "1" }], "charges.0.tiers.1.from", /overlap/],
    ["unsorted tiers", [{ upTo: "100", unitPrice: "1" }, { upTo: "50", unitPrice: "1" }, { upTo: null, unitPrice: "1" }], "charges.0.tiers.1.upTo", /ascend/],
    ["no unlimited last tier", [{ upTo: "100", unitPrice: "1" }, { upTo: "200", unitPrice: "1" }], "charges.0.tiers.1.upTo", /last tier must be unlimited/],
    ["an exponent price", [{ upTo: null, unitPrice: "1e3" }], "charges.0.tiers.0.unitPrice", /decimal string/],
    ["13 decimal places", [{ upTo: null, unitPrice: "0.0000000000001" }], "charges.0.tiers.0.unitPrice", /12 decimal places/],
  ])("rejects %s with the JSON path", (_, tiers, path, message) => {
    expect(issues(graduated(tiers))).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it("keeps one frozen pricing per published version", () => {
    const raw = graduated([{ upTo: "10", unitPrice: "1" }, { upTo: null, unitPrice: "0.5" }]);
    const pricing = versionPricing(987_654, raw);
    expect(versionPricing(987_654, raw)).toBe(pricing);
    expect(() => {
      (pricing as { taxRate: string }).taxRate = "0.5";
    }).toThrow(TypeError);
    expect(() => {
      (pricing.charges[0] as { tiers: { unitPrice: string }[] }).tiers[1].unitPrice = "0";
    }).toThrow(TypeError);
    expect(pricing.taxRate).toBe("0");
  });

  it("rejects an unknown currency and a metric priced twice", () => {
    expect(issues({ ...graduated([{ upTo: null, unitPrice: "1" }]), currency: "XYZ" }).map((i) => i.path)).toContain("currency");
    const twice = { ...base, charges: [{ metric: "m", model: "per_unit", unitPrice: "1" }, { metric: "m", model: "per_unit", unitPrice: "2" }] };
    expect(issues(twice)).toContainEqual({ path: "charges.1.metric", message: expect.stringMatching(/priced twice/) });
  });
});
