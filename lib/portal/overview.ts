import { Dec, displayMoney } from "@/lib/billing/money";
import type { Currency } from "@/lib/billing/currencies";
import { ApiError } from "@/lib/http/api-error";
import { loadCustomersById } from "@/lib/metering/catalog";
import { currentUsage } from "@/lib/metering/usage";
import { listAlerts, type AlertView } from "./alerts";

export type OverviewMetric = {
  metric: string;
  name: string;
  unit: string;
  used: string;
  included: string;
  /** Share of the allowance used, in percent with one decimal; null without an allowance. */
  percent: string | null;
  /** Minor units. */
  amount: number;
  amountText: string;
};

export type Overview = {
  customerName: string;
  planCode: string | null;
  period: { start: string; end: string };
  currency: Currency | null;
  metrics: OverviewMetric[];
  /** Minor units, as GET /api/v1/customers/{id}/usage answers. */
  estimatedTotal: number;
  projectedTotal: number;
  subtotal: number;
  estimatedTotalText: string;
  projectedTotalText: string;
  alerts: AlertView[];
  asOf: string;
};

/**
 * The portal's overview of one customer's current period: live counters priced by rate(), the
 * same figures as the usage API. `customerId` comes from the session, never from the request.
 */
export async function portalOverview(customerId: number, now = Date.now()): Promise<Overview> {
  const [customer] = await loadCustomersById([customerId], new Date(now));
  if (!customer) throw new ApiError("not_found", "No such customer.");
  const usage = await currentUsage(customer, now);
  const currency = usage.currency as Currency | null;
  const money = (minor: number) => (currency ? displayMoney(minor, currency) : "—");
  const charged = new Set((customer.pricing?.charges ?? []).map((charge) => charge.metric));
  return {
    customerName: customer.name,
    planCode: customer.planCode,
    period: usage.period,
    currency,
    // The metrics this customer is charged for, and any other they used: not every metric defined.
    metrics: usage.metrics.filter((m) => charged.has(m.metric) || m.used !== "0").map((m) => ({
      ...m,
      amountText: money(m.amount),
      percent: new Dec(m.included).isZero() ? null : new Dec(m.used).times(100).dividedBy(m.included).toDecimalPlaces(1, Dec.ROUND_DOWN).toFixed(1),
    })),
    estimatedTotal: usage.estimatedTotal,
    projectedTotal: usage.projectedTotal,
    subtotal: usage.subtotal,
    estimatedTotalText: money(usage.estimatedTotal),
    projectedTotalText: money(usage.projectedTotal),
    alerts: await listAlerts(customerId, 5),
    asOf: new Date(now).toISOString(),
  };
}
