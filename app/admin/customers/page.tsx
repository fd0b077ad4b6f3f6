import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { listCustomersWithSpend } from "@/lib/admin/customers";
import { requireAdmin } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { listPlanCodes } from "@/lib/db/queries/plans";
import { CustomerForm } from "./customer-form";

export const metadata: Metadata = { title: "Customers" };

export default async function CustomersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin("/admin/customers");
  const q = z.string().max(100).catch("").parse((await searchParams).q ?? "");
  const [customers, planRows] = await Promise.all([listCustomersWithSpend(q), listPlanCodes(db())]);
  const plans = planRows.map((p) => p.code);
  return (
    <>
      <h1>Customers</h1>
      <form className="inline-form" method="get" role="search">
        <label htmlFor="q">Search</label>
        <input id="q" name="q" defaultValue={q} placeholder="id, name or email" maxLength={100} />
        <button type="submit" className="btn secondary">Search</button>
      </form>
      <section className="card">
        {customers.length === 0 ? <p className="empty">No customers match.</p> : (
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Customer</th><th scope="col">Name</th><th scope="col">Plan</th><th scope="col" className="num">Spend this period</th></tr></thead>
              <tbody>
                {customers.map((c) => (
                  <tr key={c.id}>
                    <td><Link href={`/admin/customers/${encodeURIComponent(c.externalId)}`}><code>{c.externalId}</code></Link></td>
                    <td>{c.name}</td><td>{c.plan ?? "—"}</td><td className="num">{c.spend}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <CustomerForm plans={plans} />
    </>
  );
}
