import type { Currency } from "./currencies";
import { Dec, dec, minorScale, minorToNumber, roundHalfUp, toMinorUnits, ZERO } from "./money";
import type { Period } from "./periods";
import type { Charge, Pricing } from "./pricing-schema";
import { rateGraduated } from "./charges/graduated";
import { ratePackage } from "./charges/package";
import { ratePerUnit } from "./charges/per-unit";
import type { ChargePart } from "./charges/types";
import { rateVolume } from "./charges/volume";

export type LineItem = {
  kind: "usage" | "base_fee" | "minimum_commitment";
  metric: string | null;
  model: Charge["model"] | null;
  tier: number | null;
  description: string;
  quantity: string;
  unitPrice: string;
  flatFee: string;
  /** Integer minor units of the currency, rounded once, half-up. */
  amount: number;
};

export type Rating = {
  currency: Currency;
  period: { start: string; end: string } | null;
  lines: LineItem[];
  /** Minor units. */
  subtotal: number;
  taxRate: string;
  /** Minor units. */
  tax: number;
  /** Minor units. */
  total: number;
};

const assertNever = (value: never): never => {
  throw new Error(`unhandled charge model: ${JSON.stringify(value)}`);
};

function rateCharge(charge: Charge, total: Dec, scale: Dec): ChargePart[] {
  switch (charge.model) {
    case "per_unit":
      return ratePerUnit(charge, total, scale);
    case "graduated":
      return rateGraduated(charge, total, scale);
    case "volume":
      return rateVolume(charge, total, scale);
    case "package":
      return ratePackage(charge, total, scale);
    default:
      return assertNever(charge);
  }
}

type FixedAmounts = { scale: Dec; baseFee: bigint; minimum: bigint; taxRate: Dec | null };
const fixed = new WeakMap<Pricing, FixedAmounts>();

/** A pricing's base fee and minimum in minor units and its tax rate, worked out once per pricing object. */
function fixedAmounts(pricing: Pricing): FixedAmounts {
  let amounts = fixed.get(pricing);
  if (amounts === undefined) {
    const currency = pricing.currency as Currency;
    const taxRate = dec(pricing.taxRate);
    amounts = {
      scale: minorScale(currency),
      baseFee: toMinorUnits(dec(pricing.baseFee), currency),
      minimum: toMinorUnits(dec(pricing.minimumCommitment), currency),
      taxRate: taxRate.isZero() ? null : taxRate,
    };
    fixed.set(pricing, amounts);
  }
  return amounts;
}

/** The period as ISO strings, kept for the last period seen (a run rates thousands of invoices of one period). */
let lastPeriod: { startMs: number; endMs: number; text: { start: string; end: string } } | null = null;
function periodText(period: Period): { start: string; end: string } {
  const startMs = period.start.getTime();
  const endMs = period.end.getTime();
  if (lastPeriod === null || lastPeriod.startMs !== startMs || lastPeriod.endMs !== endMs) {
    lastPeriod = { startMs, endMs, text: { start: period.start.toISOString(), end: period.end.toISOString() } };
  }
  return { ...lastPeriod.text };
}

/**
 * The one pricing function: live estimates and invoices both call it, so for the same usage
 * they agree to the cent. `usage` maps metric codes to the period's aggregated quantity
 * (decimal strings); metrics without a charge are not billed. Pure: no I/O, no floats (amounts
 * are bigint minor units, given out as JSON numbers only within what those hold exactly).
 */
export function rate(pricing: Pricing, usage: ReadonlyMap<string, string>, period: Period | null = null): Rating {
  const currency = pricing.currency as Currency;
  const lines: LineItem[] = [];
  const { scale, baseFee, minimum, taxRate } = fixedAmounts(pricing);
  if (baseFee > 0n) {
    lines.push({ kind: "base_fee", metric: null, model: null, tier: null, description: "Base fee", quantity: "1", unitPrice: pricing.baseFee, flatFee: "0", amount: minorToNumber(baseFee) });
  }
  let subtotal = baseFee;
  for (const charge of pricing.charges) {
    const quantity = usage.get(charge.metric);
    const total = quantity === undefined || quantity === "0" ? ZERO : new Dec(quantity);
    for (const part of rateCharge(charge, total, scale)) {
      const amount = roundHalfUp(part.amount);
      subtotal += amount;
      lines.push({
        kind: "usage",
        metric: charge.metric,
        model: charge.model,
        tier: part.tier,
        description: part.description,
        quantity: part.quantity,
        unitPrice: part.unitPrice,
        flatFee: part.flatFee,
        amount: minorToNumber(amount),
      });
    }
  }
  if (subtotal < minimum) {
    const shortfall = minimum - subtotal;
    lines.push({ kind: "minimum_commitment", metric: null, model: null, tier: null, description: "Minimum commitment shortfall", quantity: "1", unitPrice: pricing.minimumCommitment, flatFee: "0", amount: minorToNumber(shortfall) });
    subtotal = minimum;
  }
  const tax = taxRate === null || subtotal === 0n ? 0n : roundHalfUp(new Dec(subtotal.toString()).times(taxRate));
  return {
    currency,
    period: period ? periodText(period) : null,
    lines,
    subtotal: minorToNumber(subtotal),
    taxRate: pricing.taxRate,
    tax: minorToNumber(tax),
    total: minorToNumber(subtotal + tax),
  };
}
