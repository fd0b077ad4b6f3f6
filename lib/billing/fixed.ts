/**
 * Exact fixed-point decimals for rating, on BigInt: a quantity, price or bound is the integer
 * value x 10^12 ("units"). Every decimal the rating reads has at most 12 places (prices, bounds
 * and allowances by the pricing schema, usage by a metric's decimals), so each is held exactly,
 * and sums, differences and products of integers stay exact at any size. A product of two
 * values is at 10^-24; it is rounded once, when it becomes minor units.
 *
 * Rating thousands of invoices spends most of its time on this arithmetic: BigInt does it
 * about three times as fast as a general decimal library, with nothing to round on the way.
 */
export const PLACES = 12;
export const UNIT = 10n ** BigInt(PLACES);
/** A product of two values is at 10^-24: this many "units" of units make one. */
const UNIT_SQUARED = UNIT * UNIT;

const PLAIN = /^-?(\d+(\.\d*)?|\.\d+)$/;
const ZEROS = "000000000000";

/**
 * "12.5" -> 12_500_000_000_000n. Accepts a plain decimal string ("12", "12.5", ".5", "12.") with
 * at most 12 places (what the schema and the metrics allow); anything else (an exponent, more
 * places) is a programming error and throws, so no value is ever silently rounded on the way in.
 */
export function toUnits(text: string): bigint {
  if (!PLAIN.test(text)) throw new Error(`not a plain decimal string: ${JSON.stringify(text)}`);
  const dot = text.indexOf(".");
  if (dot < 0) return BigInt(text) * UNIT;
  const fraction = text.length - dot - 1;
  if (fraction > PLACES) throw new Error(`more than ${PLACES} decimal places: ${JSON.stringify(text)}`);
  return BigInt(text.slice(0, dot) + text.slice(dot + 1) + ZEROS.slice(fraction));
}

/** 12_500_000_000_000n -> "12.5": the shortest plain form (no trailing zeros, "0" for zero). */
export function unitsToString(units: bigint): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const whole = magnitude / UNIT;
  const fraction = magnitude % UNIT;
  let text = whole.toString();
  if (fraction !== 0n) {
    const digits = fraction.toString().padStart(PLACES, "0");
    let end = digits.length;
    while (digits.charCodeAt(end - 1) === 48 /* "0" */) end--;
    text += `.${digits.slice(0, end)}`;
  }
  return negative ? `-${text}` : text;
}

/** ceil(a / b) for a >= 0 and b > 0, both in units: a whole number (not in units). */
export const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

/** Rounds a value held at 10^-24 to an integer, half-up (away from zero at .5). */
export function roundProduct(product: bigint): bigint {
  return roundDivide(product, UNIT_SQUARED);
}

/** Rounds a value held in units (10^-12) to an integer, half-up (away from zero at .5). */
export function roundUnits(units: bigint): bigint {
  return roundDivide(units, UNIT);
}

function roundDivide(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  const twice = 2n * (value % divisor);
  if (twice >= divisor) return quotient + 1n;
  if (-twice >= divisor) return quotient - 1n;
  return quotient;
}

/** A value in units held at 10^-24, to add to a product (a flat fee beside a price times a quantity). */
export const unitsAsProduct = (units: bigint): bigint => units * UNIT;
