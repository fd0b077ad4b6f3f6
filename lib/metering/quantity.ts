import Decimal from "decimal.js";

/** Quantities are exact decimal strings; counters are integers scaled by 10^decimals. */
/** At most 15 whole digits: amounts stay far inside the range money is kept in. */
const DECIMAL = /^(\d{1,15})(?:\.(\d{1,30}))?$/;

export type QuantityError = "invalid_quantity" | "negative_quantity" | "too_many_decimals";
export type ParsedQuantity = { ok: true; value: string } | { ok: false; error: QuantityError };

/** Accepts a non-negative decimal string or a finite JSON number; returns the canonical string. */
export function parseQuantity(input: string | number, maxDecimals: number): ParsedQuantity {
  let text: string;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { ok: false, error: "invalid_quantity" };
    if (input < 0) return { ok: false, error: "negative_quantity" };
    text = String(input);
    if (text.includes("e")) text = new Decimal(input).toFixed();
  } else {
    text = input.trim();
    if (text.startsWith("-") && DECIMAL.test(text.slice(1))) return { ok: false, error: "negative_quantity" };
  }
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, error: "invalid_quantity" };
  const whole = match[1].replace(/^0+(?=\d)/, "");
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > maxDecimals) return { ok: false, error: "too_many_decimals" };
  return { ok: true, value: fraction ? `${whole}.${fraction}` : whole };
}

/** "12.5" at scale 3 -> 12500n. The value must be canonical with at most `scale` decimals. */
export function toScaled(value: string, scale: number): bigint {
  const dot = value.indexOf(".");
  if (dot < 0) return BigInt(value + "0".repeat(scale));
  return BigInt(value.slice(0, dot) + value.slice(dot + 1).padEnd(scale, "0"));
}

/** 12500n at scale 3 -> "12.5". */
export function fromScaled(scaled: bigint, scale: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Fixed-width digits so Lua can compare scaled values as strings. */
export const padScaled = (scaled: bigint) => scaled.toString().padStart(40, "0");

/** A JSON property value as a canonical string (numbers as Postgres prints jsonb numerics). */
export function canonicalPropertyValue(value: string | number | boolean): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = String(value);
  return text.includes("e") ? new Decimal(value).toFixed() : text;
}
