/** Billing periods: UTC, half-open [start, end), calendar or anchored, with end-of-month clamping. */
export type BillingInterval = "month" | "year";
export type PeriodRule = { interval: BillingInterval; anchor: Date | null };
export type Period = { start: Date; end: Date };

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/** The period boundary in a given year/month: the anchor's day (clamped) and time of day. */
function boundary(year: number, month: number, anchor: Date | null): number {
  // Date.UTC normalises month overflow (month 12 is next January).
  const normalized = new Date(Date.UTC(year, month, 1));
  const y = normalized.getUTCFullYear();
  const m = normalized.getUTCMonth();
  if (!anchor) return Date.UTC(y, m, 1);
  const day = Math.min(anchor.getUTCDate(), daysInMonth(y, m));
  return Date.UTC(y, m, day, anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds(), anchor.getUTCMilliseconds());
}

export function periodContaining(at: Date, rule: PeriodRule): Period {
  const t = at.getTime();
  const year = at.getUTCFullYear();
  if (rule.interval === "month") {
    const month = at.getUTCMonth();
    const here = boundary(year, month, rule.anchor);
    return t >= here
      ? { start: new Date(here), end: new Date(boundary(year, month + 1, rule.anchor)) }
      : { start: new Date(boundary(year, month - 1, rule.anchor)), end: new Date(here) };
  }
  const anchorMonth = rule.anchor ? rule.anchor.getUTCMonth() : 0;
  const here = boundary(year, anchorMonth, rule.anchor);
  return t >= here
    ? { start: new Date(here), end: new Date(boundary(year + 1, anchorMonth, rule.anchor)) }
    : { start: new Date(boundary(year - 1, anchorMonth, rule.anchor)), end: new Date(here) };
}

export const previousPeriod = (period: Period, rule: PeriodRule) =>
  periodContaining(new Date(period.start.getTime() - 1), rule);

export const nextPeriod = (period: Period, rule: PeriodRule) => periodContaining(period.end, rule);

/** A period that ended before the customer existed is never billed. */
export const billable = (customer: { createdAt: Date }, period: Period) => period.end.getTime() > customer.createdAt.getTime();
