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
  /** Exact amount in major units; rounded once when it becomes a line item. */
  amount: Dec;
};
