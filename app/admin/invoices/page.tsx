import type { Metadata } from "next";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/session";
import type { Currency } from "@/lib/billing/currencies";
import { displayMoney } from "@/lib/billing/money";
import { sqlClient } from "@/lib/db/client";
import { listInvoicesFiltered } from "@/lib/db/queries/invoices";
import { InvoiceActions } from "./invoice-actions";
import { InvoiceRunPanel } from "./invoice-run-panel";

export const metadata: Metadata = { title: "Invoicing" };

const filterSchema = z.object({
  status: z.enum(["draft", "finalized", "paid", "void"]).optional().catch(undefined),
  period: z.string().regex(/^\d{4}-\d{2}$/).optional().catch(undefined),
  customer: z.string().max(128).optional().catch(undefined),
});

export default async function AdminInvoicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin("/admin/invoices");
  const raw = await searchParams;
  const filter = filterSchema.parse({ status: raw.status || undefined, period: raw.period || undefined, customer: raw.customer || undefined });
  const rows = await listInvoicesFiltered(sqlClient(), filter);
  const now = new Date();
  const lastMonthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
  return (
    <>
      <h1>Invoicing</h1>
      <InvoiceRunPanel defaultPeriodEnd={lastMonthEnd} />
      <section className="card" aria-labelledby="inv-list">
        <h2 id="inv-list">Invoices</h2>
        <form className="inline-form" method="get" aria-label="Filter invoices">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" name="status" defaultValue={filter.status ?? ""}>
            <option value="">any</option><option>draft</option><option>finalized</option><option>paid</option><option>void</option>
          </select>
          <label htmlFor="f-period">Period</label>
          <input id="f-period" name="period" type="month" defaultValue={filter.period ?? ""} />
          <label htmlFor="f-customer">Customer</label>
          <input id="f-customer" name="customer" defaultValue={filter.customer ?? ""} placeholder="cus_…" maxLength={128} />
          <button type="submit" className="btn secondary">Filter</button>
        </form>
        {rows.length === 0 ? <p className="empty">No invoices match.</p> : (
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Invoice</th><th scope="col">Customer</th><th scope="col">Period</th><th scope="col">Status</th><th scope="col" className="num">Total</th><th scope="col">Actions</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-testid={`invoice-row-${r.external_id}`}>
                    <td>{r.number ?? `Draft #${r.id}`}</td><td><code>{r.external_id}</code></td><td>{r.period_start}</td>
                    <td><span className={`status ${r.status}`}>{r.status}</span></td>
                    <td className="num">{displayMoney(Number(r.total), r.currency as Currency)}</td>
                    <td><InvoiceActions id={Number(r.id)} status={r.status} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
