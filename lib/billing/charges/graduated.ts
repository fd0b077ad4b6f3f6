import { atLeastZero, Dec, dec, decText, ZERO } from "../money";
import type { ChargePart } from "./types";

type Tier = { upTo: string | null; unitPrice: string; flatFee?: string };

const firstUnits = new Map<string, string>();
/** "1" for the first tier, else the previous tier's upTo + 1 (memoized: tiers repeat on every invoice). */
function lowerText(previousUpTo: string | null): string {
  if (previousUpTo === null) return "1";
  let text = firstUnits.get(previousUpTo);
  if (text === undefined) {
    text = dec(previousUpTo).plus(1).toFixed();
    if (firstUnits.size >= 10_000) firstUnits.clear();
    firstUnits.set(previousUpTo, text);
  }
  return text;
}

/**
 * Each tier prices the part of the period's total usage inside its range (above the previous
 * tier's upTo, up to its own). Included units are the first units of usage: they come out of
 * the lowest ranges. A tier's flat fee is charged once when usage enters its range.
 */
export function rateGraduated(charge: { included?: string; tiers: Tier[] }, total: Dec): ChargePart[] {
  const parts: ChargePart[] = [];
  const included = dec(charge.included ?? "0");
  let lower = ZERO;
  charge.tiers.forEach((tier, i) => {
    if (total.lte(lower)) return;
    const upTo = tier.upTo === null ? null : dec(tier.upTo);
    const upper = upTo === null || total.lt(upTo) ? total : upTo;
    // Units of this range that lie above the free allowance.
    const billable = atLeastZero(upper.minus(lower.gt(included) ? lower : included));
    const flatFee = dec(tier.flatFee ?? "0");
    const priced = billable.times(dec(tier.unitPrice));
    const amount = flatFee.isZero() ? priced : priced.plus(flatFee);
    if (!billable.isZero() || !flatFee.isZero()) {
      parts.push({
        tier: i + 1,
        description: `tier ${i + 1}: ${lowerText(i === 0 ? null : charge.tiers[i - 1].upTo)} to ${tier.upTo ?? "∞"}`,
        quantity: billable.toFixed(),
        unitPrice: tier.unitPrice,
        flatFee: decText(tier.flatFee ?? "0"),
        amount,
      });
    }
    if (upTo !== null) lower = upTo;
  });
  return parts;
}
