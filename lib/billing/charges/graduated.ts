import { atLeastZero, Dec, dec, ZERO } from "../money";
import { preparedFor, type ChargePart } from "./types";

type Tier = { upTo: string | null; unitPrice: string; flatFee?: string };
type Charge = { included?: string; tiers: Tier[] };

type PreparedTier = {
  /** The previous tier's upTo (0 for the first): usage above it falls in this tier. */
  lower: Dec;
  upTo: Dec | null;
  /** Where billing starts in this tier: its lower bound, or the end of the free allowance if higher. */
  start: Dec;
  priceMinor: Dec;
  flatMinor: Dec | null;
  description: string;
  unitPrice: string;
  flatFee: string;
};
type Prepared = { scale: Dec; tiers: PreparedTier[] };

const cache = new WeakMap<Charge, Prepared>();

function prepare(charge: Charge, scale: Dec): Prepared {
  const included = dec(charge.included ?? "0");
  let lower = ZERO;
  const tiers = charge.tiers.map((tier, i): PreparedTier => {
    const upTo = tier.upTo === null ? null : dec(tier.upTo);
    const flatFee = dec(tier.flatFee ?? "0");
    const prepared = {
      lower,
      upTo,
      start: lower.gt(included) ? lower : included,
      priceMinor: dec(tier.unitPrice).times(scale),
      flatMinor: flatFee.isZero() ? null : flatFee.times(scale),
      description: `tier ${i + 1}: ${i === 0 ? "1" : lower.plus(1).toFixed()} to ${tier.upTo ?? "∞"}`,
      unitPrice: tier.unitPrice,
      flatFee: flatFee.toFixed(),
    };
    if (upTo !== null) lower = upTo;
    return prepared;
  });
  return { scale, tiers };
}

/**
 * Each tier prices the part of the period's total usage inside its range (above the previous
 * tier's upTo, up to its own). Included units are the first units of usage: they come out of
 * the lowest ranges. A tier's flat fee is charged once when usage enters its range.
 */
export function rateGraduated(charge: Charge, total: Dec, scale: Dec): ChargePart[] {
  const { tiers } = preparedFor(cache, charge, scale, () => prepare(charge, scale));
  const parts: ChargePart[] = [];
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i];
    // Tiers ascend: once usage ends below a tier, it reaches none of the later ones either.
    if (total.lte(tier.lower)) break;
    const upper = tier.upTo === null || total.lt(tier.upTo) ? total : tier.upTo;
    // Units of this range that lie above the free allowance.
    const billable = atLeastZero(upper.minus(tier.start));
    if (billable.isZero() && tier.flatMinor === null) continue;
    const priced = billable.times(tier.priceMinor);
    parts.push({
      tier: i + 1,
      description: tier.description,
      quantity: billable.toFixed(),
      unitPrice: tier.unitPrice,
      flatFee: tier.flatFee,
      amount: tier.flatMinor === null ? priced : priced.plus(tier.flatMinor),
    });
  }
  return parts;
}
