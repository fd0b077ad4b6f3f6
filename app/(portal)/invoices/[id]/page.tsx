import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireCustomer } from "@/lib/auth/session";
import { getInvoice } from "@/lib/billing/invoice-api";
import { idSchema } from "@/lib/http/ids";
import type { Currency } from "@/lib/billing/currencies";
import { displayMoney } from "@/lib/billing/money";
import { ApiError } from "@/lib/http/api-error";

export const metadata: Metadata = { title: "Invoice" };

export default async function InvoicePage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const user = await requireCustomer(`/invoices/${encodeURIComponent(raw)}`);
  const id = idSchema.safeParse(raw);
  if (!id.success) notFound();
  const invoice = await getInvoice({ customerId: user.customerId }, id.data).catch((error) => {
    if (error instanceof ApiError && error.code === "not_found") notFound();
    throw error;
  });
  const money = (minor: number) => displayMoney(minor, invoice.currency as Currency);
  return (
    <>
      <p><Link href="/invoices">← All invoices</Link></p>
      <div className="row-between">
        <h1>{invoice.number ?? `Draft invoice #${invoice.id}`}</h1>
        <a className="btn" href={`/invoices/${invoice.id}/pdf`} download>Download PDF</a>
      </div>
      <p className="muted">
        Period {invoice.period.start.slice(0, 10)} to {new Date(new Date(invoice.period.end).getTime() - 1).toISOString().slice(0, 10)} ·{" "}
        <span className={`status ${invoice.status}`} data-testid="invoice-status">{invoice.status}</span>
        {invoice.overdue ? <span className="status overdue">overdue</span> : null}
        {invoice.dueAt ? <> · due {invoice.dueAt.slice(0, 10)}</> : null}
      </p>
      {invoice.status === "draft" ? <p className="card">This invoice is a draft: late usage inside the grace period can still change it.</p> : null}
      {invoice.status === "void" ? <p className="card">Voided: {invoice.voidReason}</p> : null}
      <section className="card" aria-labelledby="lines-heading">
        <h2 id="lines-heading">Line items</h2>
        <div className="table-wrap">
          <table className="stack" data-testid="invoice-lines">
            <thead>
              <tr><th scope="col">Item</th><th scope="col" className="num">Quantity</th><th scope="col" className="num">Unit price</th><th scope="col" className="num">Amount</th></tr>
            </thead>
            <tbody>
              {invoice.lines.map((line, i) => (
                <tr key={i}>
                  <td>{line.metric ? <><code>{line.metric}</code> · </> : null}{line.description}</td>
                  <td className="num" data-label="Quantity">{line.quantity}</td>
                  <td className="num" data-label="Unit price">{line.unitPrice}{line.flatFee !== "0" ? ` + ${line.flatFee} flat` : ""}</td>
                  <td className="num" data-label="Amount">{money(line.amount)}</td>
                </tr>
              ))}
              {invoice.lines.length === 0 ? <tr><td colSpan={4} className="empty">No charges in this period.</td></tr> : null}
            </tbody>
            <tfoot>
              <tr><th scope="row" colSpan={3}>Subtotal</th><td className="num" data-testid="invoice-subtotal">{money(invoice.subtotal)}</td></tr>
              <tr><th scope="row" colSpan={3}>Tax</th><td className="num" data-testid="invoice-tax">{money(invoice.tax)}</td></tr>
              <tr><th scope="row" colSpan={3}>Total</th><td className="num total" data-testid="invoice-total">{money(invoice.total)}</td></tr>
            </tfoot>
          </table>
        </div>
      </section>
    </>
  );
}
