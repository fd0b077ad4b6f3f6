import { describe, expect, it } from "vitest";
import { ceilDiv, roundProduct, roundUnits, toUnits, UNIT, unitsAsProduct, unitsToString } from "./fixed";

describe("fixed-point units", () => {
  it("reads plain decimal strings exactly, at most 12 places", () => {
    expect(toUnits("12.5")).toBe(12_500_000_000_000n);
    expect(toUnits("0.000000000001")).toBe(1n);
    expect(toUnits("7")).toBe(7n * UNIT);
    expect(toUnits(".25")).toBe(250_000_000_000n);
    expect(toUnits("5.")).toBe(5n * UNIT);
    expect(toUnits("-1.5")).toBe(-1_500_000_000_000n);
    expect(toUnits("123456789012345678901234.999999999999")).toBe(123456789012345678901234999999999999n);
  });

  it("refuses what it cannot hold exactly or is not a plain decimal", () => {
    expect(() => toUnits("0.0000000000001")).toThrow(/12 decimal places/);
    for (const bad of ["1e3", "", ".", "abc", "NaN", "Infinity", " 1", "1,5", "--1"]) expect(() => toUnits(bad), bad).toThrow(/plain decimal/);
  });

  it("writes the shortest plain form and reads it back", () => {
    expect(unitsToString(0n)).toBe("0");
    expect(unitsToString(12_500_000_000_000n)).toBe("12.5");
    expect(unitsToString(1n)).toBe("0.000000000001");
    expect(unitsToString(-1_500_000_000_000n)).toBe("-1.5");
    expect(unitsToString(1000n * UNIT)).toBe("1000");
    for (const text of ["0.1", "99.000000000009", "5000000", "123456789012345678901234.5"]) expect(unitsToString(toUnits(text))).toBe(text);
  });

  it("rounds half-up, away from zero at exactly one half, once", () => {
    // 0.0005 x 30 cents = 0.015 dollars = 1.5 cents -> 2
    expect(roundProduct(toUnits("30") * toUnits("0.05"))).toBe(2n);
    expect(roundProduct(toUnits("1.4999999") * UNIT)).toBe(1n);
    expect(roundProduct(toUnits("2.5") * UNIT)).toBe(3n);
    expect(roundProduct(toUnits("-2.5") * UNIT)).toBe(-3n);
    expect(roundProduct(toUnits("-2.4999") * UNIT)).toBe(-2n);
    expect(roundUnits(toUnits("0.5"))).toBe(1n);
    expect(roundUnits(toUnits("0.499999999999"))).toBe(0n);
    expect(roundProduct(unitsAsProduct(toUnits("7.5")))).toBe(8n);
  });

  it("divides rounding up for package counts", () => {
    expect(ceilDiv(toUnits("101"), toUnits("100"))).toBe(2n);
    expect(ceilDiv(toUnits("100"), toUnits("100"))).toBe(1n);
    expect(ceilDiv(toUnits("0.000000000001"), toUnits("2.5"))).toBe(1n);
    expect(ceilDiv(toUnits("5"), toUnits("2.5"))).toBe(2n);
  });
});
