import { toUnits, unitsToString } from "../fixed";
import { preparedFor, type ChargePart } from "./types";

type Charge = { included?: string; unitPrice: string };
type Prepared = { scale: bigint; included: bigint; priceMinor: bigint };

const cache = new WeakMap<Charge, Prepared>();

/** max(0, total - included) x unitPrice. `total` and the result's amount as in fixed.ts. */
export function ratePerUnit(charge: Charge, total: bigint, scale: bigint): ChargePart[] {
  const { included, priceMinor } = preparedFor(cache, charge, scale, () => ({
    scale,
    included: toUnits(charge.included ?? "0"),
    priceMinor: toUnits(charge.unitPrice) * scale,
  }));
  const billable = total > included ? total - included : 0n;
  if (billable === 0n) return [];
  return [
    {
      tier: null,
      description: "per unit",
      quantity: unitsToString(billable),
      unitPrice: charge.unitPrice,
      flatFee: "0",
      amount: billable * priceMinor,
    },
  ];
}
