import Decimal from "decimal.js";
import { ApiError } from "@/lib/http/api-error";
import { minorUnitExponent, type Currency } from "./currencies";

/** A private Decimal with enough precision for 12-decimal prices times 20-digit quantities. */
export const Dec = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;

/** Rounds to an integer, half-up (away from zero at .5). */
export const roundHalfUp = (value: Dec): bigint => BigInt(value.toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0));

/** Rounds a major-unit amount once, half-up, to integer minor units. */
export function toMinorUnits(amount: Dec, currency: Currency): bigint {
  return roundHalfUp(amount.times(new Dec(10).pow(minorUnitExponent(currency))));
}

/** Minor units as a JSON-safe number (amounts above 2^53 minor units are refused). */
export function minorToNumber(minor: bigint): number {
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ApiError("amount_out_of_range", "An amount is larger than Meterline can state exactly (9,007,199,254,740,991 minor units).");
  }
  return Number(minor);
}

/** "12345" USD -> "123.45": for display and documents, never for arithmetic. */
export function formatMinor(minor: bigint | number, currency: Currency): string {
  const exponent = minorUnitExponent(currency);
  const value = new Dec(minor.toString()).dividedBy(new Dec(10).pow(exponent));
  return `${value.toFixed(exponent)} ${currency}`;
}
