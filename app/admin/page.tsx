import type { Metadata } from "next";
import Link from "next/link";
import { revenueAnalytics } from "@/lib/admin/analytics";
import { requireAdmin } from "@/lib/auth/session";
import type { Currency } from "@/lib/billing/currencies";
import { displayMoney } from "@/lib/billing/money";
import { RevenueCharts } from "./revenue-charts";

export const metadata: Metadata = { title: "Revenue" };

export default async function AdminHome() {
  await requireAdmin();
  const revenue = await revenueAnalytics("USD");
  const money = (minor: number) => displayMoney(minor, revenue.currency as Currency);
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
        <RevenueCharts
          byMonth={revenue.byMonth.map((m) => ({ label: m.month, minor: m.total, text: money(m.total) }))}
          byPlan={revenue.byPlan.map((p) => ({ label: p.plan, minor: p.total, text: money(p.total) }))}
          byMetric={revenue.byMetric.map((m) => ({ label: m.metric, minor: m.amount, text: money(m.amount) }))}
        />
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
