import { ceilDiv, toUnits, UNIT, unitsToString } from "../fixed";
import { preparedFor, type ChargePart } from "./types";

type Charge = { included?: string; packageSize: string; packagePrice: string };
type Prepared = { scale: bigint; included: bigint; size: bigint; priceMinor: bigint };

const cache = new WeakMap<Charge, Prepared>();

/** ceil(billable / packageSize) x packagePrice. `total` and the result's amount as in fixed.ts. */
export function ratePackage(charge: Charge, total: bigint, scale: bigint): ChargePart[] {
  const { included, size, priceMinor } = preparedFor(cache, charge, scale, () => ({
    scale,
    included: toUnits(charge.included ?? "0"),
    size: toUnits(charge.packageSize),
    priceMinor: toUnits(charge.packagePrice) * scale,
  }));
  const billable = total > included ? total - included : 0n;
  if (billable === 0n) return [];
  const packages = ceilDiv(billable, size);
  return [
    {
      tier: null,
      description: `${packages} package(s) of ${charge.packageSize} for ${unitsToString(billable)} units`,
      quantity: packages.toString(),
      unitPrice: charge.packagePrice,
      flatFee: "0",
      // A whole number of packages, times a price in units: lifted to 10^-24 like the other models.
      amount: packages * priceMinor * UNIT,
    },
  ];
}
