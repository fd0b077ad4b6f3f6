import type { Metadata } from "next";
import { requireAdmin } from "@/lib/auth/session";
import { listAllMetrics } from "@/lib/metering/metrics";
import { sqlClient } from "@/lib/db/client";

export const metadata: Metadata = { title: "Admin" };

/** The console's start page: customers and metrics at a glance. */
export default async function AdminHome() {
  await requireAdmin();
  const customers = await sqlClient()<{ external_id: string; name: string; plan: string | null; invoices: number }[]>`
    select c.external_id, c.name, p.code as plan, (select count(*)::int from invoices i where i.customer_id = c.id) as invoices
    from customers c left join plans p on p.id = c.plan_id order by c.id limit 200`;
  const metrics = await listAllMetrics();
  return (
    <>
      <h1>Console</h1>
      <section className="card" aria-labelledby="customers-heading">
        <h2 id="customers-heading">Customers</h2>
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">Customer</th><th scope="col">Name</th><th scope="col">Plan</th><th scope="col" className="num">Invoices</th></tr></thead>
            <tbody>
              {customers.map((c) => <tr key={c.external_id}><td><code>{c.external_id}</code></td><td>{c.name}</td><td>{c.plan ?? "—"}</td><td className="num">{c.invoices}</td></tr>)}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card" aria-labelledby="metrics-heading">
        <h2 id="metrics-heading">Billable metrics</h2>
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">Code</th><th scope="col">Name</th><th scope="col">Aggregation</th><th scope="col">Unit</th></tr></thead>
            <tbody>
              {metrics.map((m) => <tr key={m.code}><td><code>{m.code}</code></td><td>{m.name}</td><td>{m.aggregation}</td><td>{m.unit}</td></tr>)}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
