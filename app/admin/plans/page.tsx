import type { Metadata } from "next";
import Link from "next/link";
import { requireAdmin } from "@/lib/auth/session";
import { sqlClient } from "@/lib/db/client";
import { listPlanSummaries } from "@/lib/db/queries/plans";

export const metadata: Metadata = { title: "Plans" };

export default async function PlansPage() {
  await requireAdmin("/admin/plans");
  const plans = await listPlanSummaries(sqlClient());
  return (
    <>
      <h1>Plans</h1>
      <p className="muted">Prices are data: edit a plan to publish a new version, effective from the next period or now.</p>
      {plans.length === 0 ? <p className="card empty">No plans yet. Create one with <code>POST /api/v1/plans</code>.</p> : (
        <section className="card">
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Plan</th><th scope="col">Billing</th><th scope="col" className="num">Versions</th><th scope="col" className="num">Customers</th></tr></thead>
              <tbody>
                {plans.map((p) => (
                  <tr key={p.code}>
                    <td><Link href={`/admin/plans/${p.code}`}>{p.name}</Link> <code>{p.code}</code></td>
                    <td>{p.currency} per {p.interval}</td>
                    <td className="num">{p.versions}</td>
                    <td className="num">{p.customers}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}
