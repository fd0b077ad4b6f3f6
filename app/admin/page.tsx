import type { Metadata } from "next";
import Link from "next/link";
import { revenueAnalytics } from "@/lib/admin/analytics";
import { requireAdmin } from "@/lib/auth/session";
import type { Currency } from "@/lib/billing/currencies";
import { displayMoney, minorToMajor } from "@/lib/billing/money";
import { BarChartFigure } from "../bar-chart";

export const metadata: Metadata = { title: "Revenue" };

export default async function AdminHome() {
  await requireAdmin();
  const revenue = await revenueAnalytics("USD");
  const money = (minor: number) => displayMoney(minor, revenue.currency as Currency);
  const point = (label: string, minor: number) => ({ label, value: Number(minorToMajor(minor, revenue.currency as Currency)), text: money(minor) });
  const invoiced = revenue.byMonth.reduce((sum, m) => sum + m.total, 0);
  return (
    <>
      <h1>Revenue</h1>
      <p className="muted">From finalized and paid invoices in {revenue.currency}{revenue.otherCurrencyInvoices ? ` (${revenue.otherCurrencyInvoices} invoices in other currencies not shown)` : ""}; the current period is projected from live counters.</p>
      <section className="kpis">
        <div className="card kpi"><h2>Invoiced to date</h2><p className="big" data-testid="kpi-invoiced">{money(invoiced)}</p></div>
        <div className="card kpi"><h2>This period, projected</h2><p className="big" data-testid="kpi-projected">{money(revenue.projectedCurrentPeriod)}</p></div>
        <div className="card kpi"><h2>Revenue from overage</h2><p className="big" data-testid="kpi-overage">{revenue.overageShare}%</p><p className="muted small">Usage charges above allowances, of the subtotal.</p></div>
      </section>
      {invoiced === 0 ? <p className="card empty">No invoiced revenue yet. <Link href="/admin/invoices">Run invoicing</Link> once a period has ended.</p> : (
        <>
          <section className="card" data-testid="chart-month"><h2>Invoiced revenue per month</h2><BarChartFigure name="Invoiced revenue" points={revenue.byMonth.map((m) => point(m.month, m.total))} /></section>
          <div className="kpis">
            <section className="card" data-testid="chart-plan"><h2>Revenue by plan</h2><BarChartFigure name="Revenue" points={revenue.byPlan.map((p) => point(p.plan, p.total))} /></section>
            <section className="card" data-testid="chart-metric"><h2>Usage revenue by metric</h2><BarChartFigure name="Usage revenue" points={revenue.byMetric.map((m) => point(m.metric, m.amount))} /></section>
          </div>
        </>
      )}
      <section className="card" aria-labelledby="top-heading">
        <h2 id="top-heading">Top customers</h2>
        {revenue.topCustomers.length === 0 ? <p className="empty">None yet.</p> : (
          <div className="table-wrap"><table data-testid="top-customers">
            <thead><tr><th scope="col">Customer</th><th scope="col">Name</th><th scope="col" className="num">Invoiced</th></tr></thead>
            <tbody>{revenue.topCustomers.map((c) => <tr key={c.customer}><td><Link href={`/admin/customers/${encodeURIComponent(c.customer)}`}><code>{c.customer}</code></Link></td><td>{c.name}</td><td className="num">{money(c.total)}</td></tr>)}</tbody>
          </table></div>
        )}
      </section>
    </>
  );
}
