import { toUnits, unitsAsProduct, unitsToString } from "../fixed";
import { preparedFor, type ChargePart } from "./types";

type Tier = { upTo: string | null; unitPrice: string; flatFee?: string };
type Charge = { included?: string; tiers: Tier[] };

type PreparedTier = { upTo: bigint | null; priceMinor: bigint; flatMinor: bigint | null; description: string; unitPrice: string; flatFee: string };
type Prepared = { scale: bigint; included: bigint; tiers: PreparedTier[] };

const cache = new WeakMap<Charge, Prepared>();

function prepare(charge: Charge, scale: bigint): Prepared {
  return {
    scale,
    included: toUnits(charge.included ?? "0"),
    tiers: charge.tiers.map((tier, i) => {
      const flatFee = toUnits(tier.flatFee ?? "0");
      return {
        upTo: tier.upTo === null ? null : toUnits(tier.upTo),
        priceMinor: toUnits(tier.unitPrice) * scale,
        flatMinor: flatFee === 0n ? null : unitsAsProduct(flatFee * scale),
        description: `tier ${i + 1} (up to ${tier.upTo ?? "∞"}) for all units`,
        unitPrice: tier.unitPrice,
        flatFee: unitsToString(flatFee),
      };
    }),
  };
}

/**
 * The tier containing the total usage prices every billable unit, plus that tier's flat fee.
 * `total` and the result's amount as in fixed.ts.
 */
export function rateVolume(charge: Charge, total: bigint, scale: bigint): ChargePart[] {
  if (total <= 0n) return [];
  const { included, tiers } = preparedFor(cache, charge, scale, () => prepare(charge, scale));
  let index = 0;
  while (tiers[index].upTo !== null && total > (tiers[index].upTo as bigint)) index++;
  const tier = tiers[index];
  const billable = total > included ? total - included : 0n;
  const priced = billable * tier.priceMinor;
  const amount = tier.flatMinor === null ? priced : priced + tier.flatMinor;
  if (amount === 0n && billable === 0n) return [];
  return [
    {
      tier: index + 1,
      description: tier.description,
      quantity: unitsToString(billable),
      unitPrice: tier.unitPrice,
      flatFee: tier.flatFee,
      amount,
    },
  ];
}
