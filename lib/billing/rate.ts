import type { Currency } from "./currencies";
import { Dec, dec, minorToNumber, roundHalfUp, toMinorUnits } from "./money";
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

function rateCharge(charge: Charge, total: Dec): ChargePart[] {
  switch (charge.model) {
    case "per_unit":
      return ratePerUnit(charge, total);
    case "graduated":
      return rateGraduated(charge, total);
    case "volume":
      return rateVolume(charge, total);
    case "package":
      return ratePackage(charge, total);
    default:
      return assertNever(charge);
  }
}

type FixedAmounts = { baseFee: bigint; minimum: bigint; taxRate: Dec };
const fixed = new WeakMap<Pricing, FixedAmounts>();

/** A pricing's base fee and minimum in minor units and its tax rate, worked out once per pricing object. */
function fixedAmounts(pricing: Pricing): FixedAmounts {
  let amounts = fixed.get(pricing);
  if (amounts === undefined) {
    const currency = pricing.currency as Currency;
    amounts = {
      baseFee: toMinorUnits(dec(pricing.baseFee), currency),
      minimum: toMinorUnits(dec(pricing.minimumCommitment), currency),
      taxRate: dec(pricing.taxRate),
    };
    fixed.set(pricing, amounts);
  }
  return amounts;
}

/**
 * The one pricing function: live estimates and invoices both call it, so for the same usage
 * they agree to the cent. `usage` maps metric codes to the period's aggregated quantity
 * (decimal strings); metrics without a charge are not billed. Pure: no I/O, no floats.
 */
export function rate(pricing: Pricing, usage: ReadonlyMap<string, string>, period: Period | null = null): Rating {
  const currency = pricing.currency as Currency;
  const lines: LineItem[] = [];
  const { baseFee, minimum, taxRate } = fixedAmounts(pricing);
  if (baseFee > 0n) {
    lines.push({ kind: "base_fee", metric: null, model: null, tier: null, description: "Base fee", quantity: "1", unitPrice: pricing.baseFee, flatFee: "0", amount: minorToNumber(baseFee) });
  }
  let subtotal = baseFee;
  for (const charge of pricing.charges) {
    const total = new Dec(usage.get(charge.metric) ?? "0");
    for (const part of rateCharge(charge, total)) {
      const amount = toMinorUnits(part.amount, currency);
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
  const tax = roundHalfUp(new Dec(minorToNumber(subtotal)).times(taxRate));
  return {
    currency,
    period: period ? { start: period.start.toISOString(), end: period.end.toISOString() } : null,
    lines,
    subtotal: minorToNumber(subtotal),
    taxRate: pricing.taxRate,
    tax: minorToNumber(tax),
    total: minorToNumber(subtotal + tax),
  };
}
