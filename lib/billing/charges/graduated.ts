import { Dec } from "../money";
import type { ChargePart } from "./types";

type Tier = { upTo: string | null; unitPrice: string; flatFee?: string };

/**
 * Each tier prices the part of the period's total usage inside its range (above the previous
 * tier's upTo, up to its own). Included units are the first units of usage: they come out of
 * the lowest ranges. A tier's flat fee is charged once when usage enters its range.
 */
export function rateGraduated(charge: { included?: string; tiers: Tier[] }, total: Dec): ChargePart[] {
  const parts: ChargePart[] = [];
  const included = new Dec(charge.included ?? "0");
  let lower = new Dec(0);
  charge.tiers.forEach((tier, i) => {
    if (total.lte(lower)) return;
    const upper = tier.upTo === null ? total : Dec.min(total, tier.upTo);
    // Units of this range that lie above the free allowance.
    const billable = Dec.max(0, upper.minus(Dec.max(lower, included)));
    const flatFee = new Dec(tier.flatFee ?? "0");
    const amount = billable.times(tier.unitPrice).plus(flatFee);
    if (!billable.isZero() || !flatFee.isZero()) {
      parts.push({
        tier: i + 1,
        description: `tier ${i + 1}: ${lower.plus(1).toFixed()} to ${tier.upTo ?? "∞"}`,
        quantity: billable.toFixed(),
        unitPrice: tier.unitPrice,
        flatFee: flatFee.toFixed(),
        amount,
      });
    }
    if (tier.upTo !== null) lower = new Dec(tier.upTo);
  });
  return parts;
}
