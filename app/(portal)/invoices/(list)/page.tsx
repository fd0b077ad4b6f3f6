import type { Metadata } from "next";
import Link from "next/link";
import { requireCustomer } from "@/lib/auth/session";
import type { Currency } from "@/lib/billing/currencies";
import { displayMoney, minorToMajor } from "@/lib/billing/money";
import { listInvoicesIn } from "@/lib/billing/invoice-api";
import { BarChartFigure } from "../../../bar-chart";

export const metadata: Metadata = { title: "Invoices" };

const month = (iso: string) => new Date(iso).toLocaleDateString("en-US", { month: "short", year: "numeric", timeZone: "UTC" });

export default async function InvoicesPage() {
  const user = await requireCustomer("/invoices");
  const invoices = await listInvoicesIn({ customerId: user.customerId });
  const charted = invoices
    .filter((i) => i.status !== "void")
    .map((i) => ({ label: month(i.period.start), value: Number(minorToMajor(i.total, i.currency as Currency)), text: `${displayMoney(i.total, i.currency as Currency)} (${i.status})` }))
    .reverse();
  return (
    <>
      <h1>Invoices</h1>
      {invoices.length === 0 ? (
        <p className="card empty">No invoices yet. Your first one is drafted when your current billing period ends.</p>
      ) : (
        <>
          <section className="card" aria-labelledby="spend-heading">
            <h2 id="spend-heading">Spend by period</h2>
            <BarChartFigure name="Invoice total" points={charted} />
          </section>
          <section className="card" aria-labelledby="list-heading">
            <div className="row-between">
              <h2 id="list-heading">All invoices</h2>
              <a className="btn secondary" href="/invoices/export" download>Download CSV</a>
            </div>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr><th scope="col">Number</th><th scope="col">Period</th><th scope="col">Status</th><th scope="col" className="num">Total</th></tr>
                </thead>
                <tbody>
                  {invoices.map((i) => (
                    <tr key={i.id}>
                      <td><Link href={`/invoices/${i.id}`}>{i.number ?? `Draft #${i.id}`}</Link></td>
                      <td>{i.period.start.slice(0, 10)} to {new Date(new Date(i.period.end).getTime() - 1).toISOString().slice(0, 10)}</td>
                      <td><span className={`status ${i.status}`}>{i.status}</span>{i.overdue ? <span className="status overdue">overdue</span> : null}</td>
                      <td className="num">{displayMoney(i.total, i.currency as Currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </>
  );
}
