import { describe, expect, it } from "vitest";
import { fromScaled, parseQuantity, toScaled } from "./quantity";

describe("parseQuantity", () => {
  it.each([
    ["1", "1"], ["0.10", "0.1"], ["007.500", "7.5"], [0.1, "0.1"], [1e-7, "0.0000001"], [1e14, "100000000000000"],
    [42, "42"], ["0", "0"], ["0.000000", "0"],
  ])("%j -> %s", (input, expected) => {
    expect(parseQuantity(input as string | number, 12)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["NaN", "invalid_quantity"], ["Infinity", "invalid_quantity"], [Infinity, "invalid_quantity"], [Number.NaN, "invalid_quantity"],
    ["abc", "invalid_quantity"], ["1e3", "invalid_quantity"], ["", "invalid_quantity"], ["1.", "invalid_quantity"],
    ["-5", "negative_quantity"], [-5, "negative_quantity"], ["0.1234567", "too_many_decimals"], ["1000000000000000", "invalid_quantity"],
  ])("%j is rejected as %s", (input, error) => {
    expect(parseQuantity(input as string | number, 6)).toEqual({ ok: false, error });
  });
});

describe("scaled integers", () => {
  it.each([["12.5", 3, 12500n], ["0", 6, 0n], ["0.000001", 6, 1n], ["100000", 0, 100000n]] as const)(
    "%s at scale %d",
    (value, scale, scaled) => {
      expect(toScaled(value, scale)).toBe(scaled);
      expect(fromScaled(scaled, scale)).toBe(value);
    },
  );
});
