import { Dec } from "../money";
import type { ChargePart } from "./types";

type Tier = { upTo: string | null; unitPrice: string; flatFee?: string };

/** The tier containing the total usage prices every billable unit, plus that tier's flat fee. */
export function rateVolume(charge: { included?: string; tiers: Tier[] }, total: Dec): ChargePart[] {
  if (total.lte(0)) return [];
  const index = charge.tiers.findIndex((tier) => tier.upTo === null || total.lte(tier.upTo));
  const tier = charge.tiers[index];
  const billable = Dec.max(0, total.minus(charge.included ?? "0"));
  const flatFee = new Dec(tier.flatFee ?? "0");
  const amount = billable.times(tier.unitPrice).plus(flatFee);
  if (amount.isZero() && billable.isZero()) return [];
  return [
    {
      tier: index + 1,
      description: `tier ${index + 1} (up to ${tier.upTo ?? "∞"}) for all units`,
      quantity: billable.toFixed(),
      unitPrice: tier.unitPrice,
      flatFee: flatFee.toFixed(),
      amount,
    },
  ];
}
