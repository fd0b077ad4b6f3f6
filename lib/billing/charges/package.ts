import { atLeastZero, Dec, dec } from "../money";
import type { ChargePart } from "./types";

/** ceil(billable / packageSize) x packagePrice. */
export function ratePackage(charge: { included?: string; packageSize: string; packagePrice: string }, total: Dec): ChargePart[] {
  const billable = atLeastZero(total.minus(dec(charge.included ?? "0")));
  if (billable.isZero()) return [];
  const packages = billable.dividedBy(dec(charge.packageSize)).ceil();
  return [
    {
      tier: null,
      description: `${packages.toFixed()} package(s) of ${charge.packageSize} for ${billable.toFixed()} units`,
      quantity: packages.toFixed(),
      unitPrice: charge.packagePrice,
      flatFee: "0",
      amount: packages.times(dec(charge.packagePrice)),
    },
  ];
}
