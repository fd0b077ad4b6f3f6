import type { Currency } from "@/lib/billing/currencies";
import { dec, minorToMajor, toMinorUnits } from "@/lib/billing/money";
import { logger } from "@/lib/logger";
import { recordWebhookEvent, withWebhookEvents } from "@/lib/webhooks/events";
import { customerPeriod, type CustomerInfo } from "./catalog";
import { alertKey, isStoredAlert, rememberStoredAlert } from "./stored-alerts";
import { currentUsage } from "./usage";

/** The spend alert amounts (major units) of a customer: their own, else their plan's. */
export const spendThresholds = (customer: CustomerInfo): string[] => customer.alertSpend ?? customer.pricing?.alerts?.spend ?? [];

/**
 * After a commit with new usage: each spend amount the customer's estimated spend for the period
 * (the live estimate, tax included) has reached fires once, by the alerts' unique key, with a
 * usage.threshold_reached webhook. Checked after the commit rather than inside it (spend needs
 * the rating function); if the process dies in between, the customer's next event catches up.
 */
export async function checkSpendAlerts(customers: CustomerInfo[], nowMs = Date.now()) {
  for (const customer of customers) {
    if (!customer.pricing) continue;
    const periodStart = customerPeriod(customer, nowMs).start.getTime();
    const keyOf = (threshold: string) => alertKey("spend", customer.id, null, threshold, periodStart);
    const thresholds = spendThresholds(customer).filter((t) => !isStoredAlert(keyOf(t)));
    if (thresholds.length === 0) continue;
    try {
      const usage = await currentUsage(customer, nowMs);
      const currency = customer.pricing.currency as Currency;
      const reached = thresholds.filter((t) => toMinorUnits(dec(t), currency) <= BigInt(usage.estimatedTotal));
      if (reached.length === 0) continue;
      // In major units, like the thresholds it is compared with.
      const observed = minorToMajor(usage.estimatedTotal, currency);
      await withWebhookEvents(async (tx, events) => {
        const fired = await tx<{ id: string; threshold: string }[]>`
          insert into usage_alerts (customer_id, kind, metric_id, threshold, period_start, observed)
          select ${customer.id}, 'spend', null, t, ${usage.period.start}::timestamptz, ${observed}
          from unnest(${tx.array(reached)}::text[]) as t
          on conflict do nothing returning id, threshold`;
        for (const alert of fired) {
          events.push(...(await recordWebhookEvent(tx, "usage.threshold_reached", {
            alertId: Number(alert.id), customer: customer.externalId, metric: null, kind: "spend", threshold: alert.threshold, currency,
            observed, periodStart: usage.period.start,
          })));
        }
      });
      for (const threshold of reached) rememberStoredAlert(keyOf(threshold));
    } catch (error) {
      logger.warn({ err: error, customer: customer.externalId }, "spend alerts not checked; the next event retries");
    }
  }
}
