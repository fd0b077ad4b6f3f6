import { atLeastZero, Dec, dec } from "../money";
import { preparedFor, type ChargePart } from "./types";

type Charge = { included?: string; packageSize: string; packagePrice: string };
type Prepared = { scale: Dec; included: Dec; size: Dec; priceMinor: Dec };

const cache = new WeakMap<Charge, Prepared>();

/** ceil(billable / packageSize) x packagePrice. */
export function ratePackage(charge: Charge, total: Dec, scale: Dec): ChargePart[] {
  const { included, size, priceMinor } = preparedFor(cache, charge, scale, () => ({
    scale,
    included: dec(charge.included ?? "0"),
    size: dec(charge.packageSize),
    priceMinor: dec(charge.packagePrice).times(scale),
  }));
  const billable = atLeastZero(total.minus(included));
  if (billable.isZero()) return [];
  const packages = billable.dividedBy(size).ceil();
  return [
    {
      tier: null,
      description: `${packages.toFixed()} package(s) of ${charge.packageSize} for ${billable.toFixed()} units`,
      quantity: packages.toFixed(),
      unitPrice: charge.packagePrice,
      flatFee: "0",
      amount: packages.times(priceMinor),
    },
  ];
}
