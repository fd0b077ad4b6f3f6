import { atLeastZero, Dec, dec } from "../money";
import { preparedFor, type ChargePart } from "./types";

type Charge = { included?: string; unitPrice: string };
type Prepared = { scale: Dec; included: Dec; priceMinor: Dec };

const cache = new WeakMap<Charge, Prepared>();

/** max(0, total - included) x unitPrice. */
export function ratePerUnit(charge: Charge, total: Dec, scale: Dec): ChargePart[] {
  const { included, priceMinor } = preparedFor(cache, charge, scale, () => ({
    scale,
    included: dec(charge.included ?? "0"),
    priceMinor: dec(charge.unitPrice).times(scale),
  }));
  const billable = atLeastZero(total.minus(included));
  if (billable.isZero()) return [];
  return [
    {
      tier: null,
      description: "per unit",
      quantity: billable.toFixed(),
      unitPrice: charge.unitPrice,
      flatFee: "0",
      amount: billable.times(priceMinor),
    },
  ];
}
