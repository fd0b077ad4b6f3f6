import type { Dec } from "../money";

/** One priced piece of a charge, before rounding: a tier, a package count, a flat fee. */
export type ChargePart = {
  /** 1-based tier index, or null for models without tiers. */
  tier: number | null;
  description: string;
  /** Units priced by this part (decimal string). */
  quantity: string;
  /** Price per unit in major units (decimal string); "0" for a flat fee. */
  unitPrice: string;
  /** Flat fee of the tier included in `amount`, major units. */
  flatFee: string;
  /**
   * Exact amount in minor units of the pricing's currency (prices are scaled once per charge, so
   * no multiplication per line); rounded once when it becomes a line item.
   */
  amount: Dec;
};

/** A charge's numbers worked out once per charge object and currency scale (pricings are shared and frozen). */
export function preparedFor<C extends object, P extends { scale: Dec }>(cache: WeakMap<C, P>, charge: C, scale: Dec, prepare: () => P): P {
  let prepared = cache.get(charge);
  if (prepared === undefined || prepared.scale !== scale) {
    prepared = prepare();
    cache.set(charge, prepared);
  }
  return prepared;
}
