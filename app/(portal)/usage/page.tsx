import type { Metadata } from "next";
import { requireCustomer } from "@/lib/auth/session";
import { loadCustomersById } from "@/lib/metering/catalog";
import { dailyUsage, dayPoints, periodParamSchema, selectablePeriods } from "@/lib/portal/usage-history";
import { notFound } from "next/navigation";
import { BarChartFigure } from "../../bar-chart";

export const metadata: Metadata = { title: "Usage" };

const label = (start: Date, end: Date) =>
  `${start.toISOString().slice(0, 10)} to ${new Date(end.getTime() - 1).toISOString().slice(0, 10)}`;

export default async function UsagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireCustomer("/usage");
  const [customer] = await loadCustomersById([user.customerId]);
  if (!customer) notFound();
  const periods = selectablePeriods(customer);
  const wanted = periodParamSchema.parse((await searchParams).period);
  const period = periods.find((p) => p.start.toISOString().slice(0, 10) === wanted) ?? periods[0];
  // The metrics this customer is charged for, and any other they used in the period.
  const charged = new Set((customer.pricing?.charges ?? []).map((charge) => charge.metric));
  const history = (period ? await dailyUsage(user.customerId, period) : []).filter(
    (metric) => charged.has(metric.metric) || metric.days.some((d) => d.value !== "0"),
  );
  const current = period?.start.getTime() === periods[0]?.start.getTime();

  return (
    <>
      <h1>Usage</h1>
      <form className="inline-form" method="get" aria-label="Choose a billing period">
        <label htmlFor="period">Billing period</label>
        <select id="period" name="period" defaultValue={period?.start.toISOString().slice(0, 10)}>
          {periods.map((p, i) => (
            <option key={p.start.toISOString()} value={p.start.toISOString().slice(0, 10)}>
              {label(p.start, p.end)}{i === 0 ? " (current)" : ""}
            </option>
          ))}
        </select>
        <button type="submit" className="btn secondary">Show</button>
      </form>
      {!period ? <p className="card empty">No billing period yet.</p> : null}
      {period && history.length === 0 ? <p className="card empty">No usage in this period.</p> : null}
      {history.map((metric) => {
        const empty = metric.days.every((d) => d.value === "0");
        return (
          <section key={metric.metric} className="card" aria-labelledby={`h-${metric.metric}`}>
            <h2 id={`h-${metric.metric}`}>{metric.name} <span className="muted small">({metric.unit}, {metric.aggregation.replace("_", " ")} per day)</span></h2>
            {empty ? (
              <p className="empty">No {metric.name.toLowerCase()} {current ? "yet this period" : "in this period"}.</p>
            ) : (
              <>
                <BarChartFigure name={`${metric.name} per day`} points={dayPoints(metric)} />
                <details>
                  <summary>Daily figures</summary>
                  <div className="table-wrap">
                    <table>
                      <thead><tr><th scope="col">Day (UTC)</th><th scope="col" className="num">{metric.name} ({metric.unit})</th></tr></thead>
                      <tbody>
                        {metric.days.map((d) => <tr key={d.day}><td>{d.day}</td><td className="num">{d.value}</td></tr>)}
                      </tbody>
                    </table>
                  </div>
                </details>
              </>
            )}
          </section>
        );
      })}
    </>
  );
}
