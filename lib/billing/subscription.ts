import type { Period } from "./periods";

/**
 * A customer's plan over time. A plan change takes effect from the customer's next period:
 * periods that start before `planChangesAt` are priced by `previousPlanId`, later ones by
 * `planId`. Invoices of earlier periods, even re-rated late, keep the plan they started with.
 */
export type Subscription = { planId: number | null; previousPlanId?: number | null; planChangesAt?: Date | null };

export function planIdForPeriod(subscription: Subscription, period: Period): number | null {
  const { planChangesAt, previousPlanId } = subscription;
  if (planChangesAt && period.start.getTime() < planChangesAt.getTime()) return previousPlanId ?? null;
  return subscription.planId;
}

/** Every plan a subscription can price with (for loading their versions at once). */
export const subscriptionPlanIds = (subscription: Subscription): number[] =>
  [subscription.planId, subscription.previousPlanId].filter((id): id is number => typeof id === "number");
