import { toUnits, UNIT, unitsAsProduct, unitsToString } from "../fixed";
import { preparedFor, type ChargePart } from "./types";

type Tier = { upTo: string | null; unitPrice: string; flatFee?: string };
type Charge = { included?: string; tiers: Tier[] };

type PreparedTier = {
  /** The previous tier's upTo (0 for the first): usage above it falls in this tier. */
  lower: bigint;
  upTo: bigint | null;
  /** Where billing starts in this tier: its lower bound, or the end of the free allowance if higher. */
  start: bigint;
  priceMinor: bigint;
  flatMinor: bigint | null;
  description: string;
  unitPrice: string;
  flatFee: string;
};
type Prepared = { scale: bigint; tiers: PreparedTier[] };

const cache = new WeakMap<Charge, Prepared>();

function prepare(charge: Charge, scale: bigint): Prepared {
  const included = toUnits(charge.included ?? "0");
  let lower = 0n;
  const tiers = charge.tiers.map((tier, i): PreparedTier => {
    const upTo = tier.upTo === null ? null : toUnits(tier.upTo);
    const flatFee = toUnits(tier.flatFee ?? "0");
    const prepared = {
      lower,
      upTo,
      start: lower > included ? lower : included,
      priceMinor: toUnits(tier.unitPrice) * scale,
      flatMinor: flatFee === 0n ? null : unitsAsProduct(flatFee * scale),
      description: `tier ${i + 1}: ${i === 0 ? "1" : unitsToString(lower + UNIT)} to ${tier.upTo ?? "∞"}`,
      unitPrice: tier.unitPrice,
      flatFee: unitsToString(flatFee),
    };
    if (upTo !== null) lower = upTo;
    return prepared;
  });
  return { scale, tiers };
}

/**
 * Each tier prices the part of the period's total usage inside its range (above the previous
 * tier's upTo, up to its own). Included units are the first units of usage: they come out of
 * the lowest ranges. A tier's flat fee is charged once when usage enters its range. `total` and
 * the result's amounts as in fixed.ts.
 */
export function rateGraduated(charge: Charge, total: bigint, scale: bigint): ChargePart[] {
  const { tiers } = preparedFor(cache, charge, scale, () => prepare(charge, scale));
  const parts: ChargePart[] = [];
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i];
    // Tiers ascend: once usage ends below a tier, it reaches none of the later ones either.
    if (total <= tier.lower) break;
    const upper = tier.upTo === null || total < tier.upTo ? total : tier.upTo;
    // Units of this range that lie above the free allowance.
    const billable = upper > tier.start ? upper - tier.start : 0n;
    if (billable === 0n && tier.flatMinor === null) continue;
    const priced = billable * tier.priceMinor;
    parts.push({
      tier: i + 1,
      description: tier.description,
      quantity: unitsToString(billable),
      unitPrice: tier.unitPrice,
      flatFee: tier.flatFee,
      amount: tier.flatMinor === null ? priced : priced + tier.flatMinor,
    });
  }
  return parts;
}
