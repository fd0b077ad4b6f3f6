import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/auth/session";
import type { Currency } from "@/lib/billing/currencies";
import { externalIdSchema } from "@/lib/billing/customers";
import { displayMoney } from "@/lib/billing/money";
import { periodContaining } from "@/lib/billing/periods";
import { db } from "@/lib/db/client";
import { listPlanCodes } from "@/lib/db/queries/plans";
import { customerByExternalId, metricsById } from "@/lib/metering/catalog";
import { describeAlert } from "@/lib/portal/alert-text";
import { listAlerts } from "@/lib/portal/alerts";
import { listInvoicesIn } from "@/lib/billing/invoice-api";
import { dailyUsage, dayPoints } from "@/lib/portal/usage-history";
import { BarChartFigure } from "../../../bar-chart";
import { CustomerForm } from "../customer-form";
import { LimitForm } from "./limit-form";

export const metadata: Metadata = { title: "Customer" };

export default async function AdminCustomerPage({ params }: { params: Promise<{ externalId: string }> }) {
  const { externalId } = await params;
  await requireAdmin(`/admin/customers/${encodeURIComponent(externalId)}`);
  // The segment arrives decoded; an id that no customer could have is simply not found.
  if (!externalIdSchema.safeParse(externalId).success) notFound();
  const customer = await customerByExternalId(externalId);
  if (!customer) notFound();
  const period = periodContaining(new Date(), customer.rule);
  const [history, invoices, alerts, planRows, metrics] = await Promise.all([
    dailyUsage(customer.id, period), listInvoicesIn({ customerId: customer.id }), listAlerts(customer.id, 20), listPlanCodes(db()), metricsById(),
  ]);
  const plans = planRows.map((p) => p.code);
  // The plan the customer is on, or moving to when a change is scheduled.
  const latestPlan = planRows.find((p) => p.id === customer.planId)?.code ?? null;
  const allMetrics = [...metrics.values()].filter((m) => m.aggregation === "sum" || m.aggregation === "count");
  const metricCodes = allMetrics.map((m) => m.code);
  const codeById = new Map(allMetrics.map((m) => [m.id, m.code]));
  return (
    <>
      <p><Link href="/admin/customers">← Customers</Link></p>
      <h1>{customer.name} <code>{customer.externalId}</code></h1>
      <p className="muted">
        Plan {customer.planCode ?? "none"} · {customer.rule.anchor ? `anchored on ${customer.rule.anchor.toISOString().slice(0, 10)}` : "calendar periods"}
        {customer.planChangesAt && customer.planChangesAt.getTime() > Date.now() ? ` · a plan change takes effect on ${customer.planChangesAt.toISOString().slice(0, 10)}` : ""}
      </p>
      {history.filter((m) => m.days.some((d) => d.value !== "0")).map((m) => (
        <section key={m.metric} className="card"><h2>{m.name} this period</h2><BarChartFigure name={`${m.name} per day`} points={dayPoints(m)} /></section>
      ))}
      <section className="card" aria-labelledby="inv">
        <h2 id="inv">Invoices</h2>
        {invoices.length === 0 ? <p className="empty">No invoices yet.</p> : (
          <div className="table-wrap"><table>
            <thead><tr><th scope="col">Number</th><th scope="col">Period</th><th scope="col">Status</th><th scope="col" className="num">Total</th></tr></thead>
            <tbody>{invoices.map((i) => <tr key={i.id}><td>{i.number ?? `Draft #${i.id}`}</td><td>{i.period.start.slice(0, 10)}</td><td><span className={`status ${i.status}`}>{i.status}</span></td><td className="num">{displayMoney(i.total, i.currency as Currency)}</td></tr>)}</tbody>
          </table></div>
        )}
      </section>
      <section className="card" aria-labelledby="al">
        <h2 id="al">Alerts</h2>
        {alerts.length === 0 ? <p className="empty">No alerts have fired.</p> : <ul>{alerts.map((a) => <li key={a.id}>{a.firedAt.slice(0, 16).replace("T", " ")} UTC: {describeAlert(a)}</li>)}</ul>}
      </section>
      <LimitForm customer={customer.externalId} metrics={metricCodes} limits={Object.fromEntries([...customer.limits].map(([id, q]) => [codeById.get(id) ?? String(id), q]))} />
      <CustomerForm plans={plans} existing={{ externalId: customer.externalId, name: customer.name, email: customer.email, plan: latestPlan, alertPercentages: customer.alertPercentages, alertSpend: customer.alertSpend }} />
    </>
  );
}
