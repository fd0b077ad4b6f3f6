import { Dec } from "../money";
import type { ChargePart } from "./types";

/** ceil(billable / packageSize) x packagePrice. */
export function ratePackage(charge: { included?: string; packageSize: string; packagePrice: string }, total: Dec): ChargePart[] {
  const billable = Dec.max(0, total.minus(charge.included ?? "0"));
  if (billable.isZero()) return [];
  const packages = billable.dividedBy(charge.packageSize).ceil();
  return [
    {
      tier: null,
      description: `${packages.toFixed()} package(s) of ${charge.packageSize} for ${billable.toFixed()} units`,
      quantity: packages.toFixed(),
      unitPrice: charge.packagePrice,
      flatFee: "0",
      amount: packages.times(charge.packagePrice),
    },
  ];
}
