import { atLeastZero, Dec, dec, decText } from "../money";
import type { ChargePart } from "./types";

type Tier = { upTo: string | null; unitPrice: string; flatFee?: string };

/** The tier containing the total usage prices every billable unit, plus that tier's flat fee. */
export function rateVolume(charge: { included?: string; tiers: Tier[] }, total: Dec): ChargePart[] {
  if (total.lte(0)) return [];
  const index = charge.tiers.findIndex((tier) => tier.upTo === null || total.lte(dec(tier.upTo)));
  const tier = charge.tiers[index];
  const billable = atLeastZero(total.minus(dec(charge.included ?? "0")));
  const flatFee = dec(tier.flatFee ?? "0");
  const priced = billable.times(dec(tier.unitPrice));
  const amount = flatFee.isZero() ? priced : priced.plus(flatFee);
  if (amount.isZero() && billable.isZero()) return [];
  return [
    {
      tier: index + 1,
      description: `tier ${index + 1} (up to ${tier.upTo ?? "∞"}) for all units`,
      quantity: billable.toFixed(),
      unitPrice: tier.unitPrice,
      flatFee: decText(tier.flatFee ?? "0"),
      amount,
    },
  ];
}
