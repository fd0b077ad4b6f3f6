import { atLeastZero, Dec, dec, ZERO } from "../money";
import { preparedFor, type ChargePart } from "./types";

type Tier = { upTo: string | null; unitPrice: string; flatFee?: string };
type Charge = { included?: string; tiers: Tier[] };

type PreparedTier = { upTo: Dec | null; priceMinor: Dec; flatMinor: Dec | null; description: string; unitPrice: string; flatFee: string };
type Prepared = { scale: Dec; included: Dec; tiers: PreparedTier[] };

const cache = new WeakMap<Charge, Prepared>();

function prepare(charge: Charge, scale: Dec): Prepared {
  return {
    scale,
    included: dec(charge.included ?? "0"),
    tiers: charge.tiers.map((tier, i) => {
      const flatFee = dec(tier.flatFee ?? "0");
      return {
        upTo: tier.upTo === null ? null : dec(tier.upTo),
        priceMinor: dec(tier.unitPrice).times(scale),
        flatMinor: flatFee.isZero() ? null : flatFee.times(scale),
        description: `tier ${i + 1} (up to ${tier.upTo ?? "∞"}) for all units`,
        unitPrice: tier.unitPrice,
        flatFee: flatFee.toFixed(),
      };
    }),
  };
}

/** The tier containing the total usage prices every billable unit, plus that tier's flat fee. */
export function rateVolume(charge: Charge, total: Dec, scale: Dec): ChargePart[] {
  if (total.lte(ZERO)) return [];
  const { included, tiers } = preparedFor(cache, charge, scale, () => prepare(charge, scale));
  const index = tiers.findIndex((tier) => tier.upTo === null || total.lte(tier.upTo));
  const tier = tiers[index];
  const billable = atLeastZero(total.minus(included));
  const priced = billable.times(tier.priceMinor);
  const amount = tier.flatMinor === null ? priced : priced.plus(tier.flatMinor);
  if (amount.isZero() && billable.isZero()) return [];
  return [
    {
      tier: index + 1,
      description: tier.description,
      quantity: billable.toFixed(),
      unitPrice: tier.unitPrice,
      flatFee: tier.flatFee,
      amount,
    },
  ];
}
