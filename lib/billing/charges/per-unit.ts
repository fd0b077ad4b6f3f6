import { atLeastZero, Dec, dec } from "../money";
import type { ChargePart } from "./types";

/** max(0, total - included) x unitPrice. */
export function ratePerUnit(charge: { included?: string; unitPrice: string }, total: Dec): ChargePart[] {
  const billable = atLeastZero(total.minus(dec(charge.included ?? "0")));
  if (billable.isZero()) return [];
  return [
    {
      tier: null,
      description: "per unit",
      quantity: billable.toFixed(),
      unitPrice: charge.unitPrice,
      flatFee: "0",
      amount: billable.times(dec(charge.unitPrice)),
    },
  ];
}
