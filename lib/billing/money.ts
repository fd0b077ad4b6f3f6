import Decimal from "decimal.js";
import { ApiError } from "@/lib/http/api-error";
import { minorUnitExponent, type Currency } from "./currencies";

/** A private Decimal with enough precision for 12-decimal prices times 20-digit quantities. */
export const Dec = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;

/** Rounds to an integer, half-up (away from zero at .5). */
export const roundHalfUp = (value: Dec): bigint => BigInt(value.toFixed(0, Dec.ROUND_HALF_UP));

export const ZERO = new Dec(0);
/** max(0, value) without parsing a new 0. */
export const atLeastZero = (value: Dec): Dec => (value.isNegative() ? ZERO : value);

/**
 * Parses a decimal string once: prices, tier bounds and allowances repeat across every invoice of
 * a run, and Decimal values are immutable, so sharing them is safe. Bounded; unknown strings
 * (usage quantities) are parsed without being kept.
 */
const parsed = new Map<string, Dec>();
export function dec(value: string): Dec {
  let d = parsed.get(value);
  if (d === undefined) {
    d = new Dec(value);
    if (parsed.size >= 50_000) parsed.clear();
    parsed.set(value, d);
  }
  return d;
}

/** Rounds a major-unit amount once, half-up, to integer minor units. */
export function toMinorUnits(amount: Dec, currency: Currency): bigint {
  return roundHalfUp(amount.times(minorScale(currency)));
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_EXACT = BigInt(Number.MIN_SAFE_INTEGER);

/** Minor units as a JSON-safe number (amounts above 2^53 minor units are refused). */
export function minorToNumber(minor: bigint): number {
  if (minor > MAX_EXACT || minor < MIN_EXACT) {
    throw new ApiError("amount_out_of_range", "An amount is larger than Meterline can state exactly (9,007,199,254,740,991 minor units).");
  }
  return Number(minor);
}

const scales = new Map<Currency, Dec>();
/** 10^(the currency's minor-unit exponent): major units times this are minor units. */
export function minorScale(currency: Currency): Dec {
  let scale = scales.get(currency);
  if (scale === undefined) scales.set(currency, (scale = new Dec(10).pow(minorUnitExponent(currency))));
  return scale;
}

/** 12345 minor units of USD -> "123.45": exact, with the currency's decimals. */
export function minorToMajor(minor: bigint | number, currency: Currency): string {
  const exponent = minorUnitExponent(currency);
  return new Dec(minor.toString()).dividedBy(new Dec(10).pow(exponent)).toFixed(exponent);
}

/** "12345" USD -> "123.45 USD": for display and documents, never for arithmetic. */
export const formatMinor = (minor: bigint | number, currency: Currency): string => `${minorToMajor(minor, currency)} ${currency}`;

const displayFormats = new Map<Currency, Intl.NumberFormat>();

/** 115000 USD -> "$1,150.00": exact (the number is formatted from its decimal string), for people. */
export function displayMoney(minor: bigint | number, currency: Currency): string {
  const exponent = minorUnitExponent(currency);
  let format = displayFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
    displayFormats.set(currency, format);
  }
  return format.format(minorToMajor(minor, currency) as unknown as number);
}
