import type { Metadata } from "next";
import { requireAdmin } from "@/lib/auth/session";
import { listAllMetrics } from "@/lib/metering/metrics";
import { MetricForm } from "./metric-form";

export const metadata: Metadata = { title: "Metrics" };

export default async function MetricsPage() {
  await requireAdmin("/admin/metrics");
  const metrics = await listAllMetrics();
  return (
    <>
      <h1>Billable metrics</h1>
      <p className="muted">A new metric is configuration: events for it are accepted at once, it appears in the portal and can be priced. No deploy, no restart.</p>
      <MetricForm />
      <section className="card">
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">Code</th><th scope="col">Name</th><th scope="col">Aggregation</th><th scope="col">Property</th><th scope="col">Unit</th><th scope="col" className="num">Decimals</th></tr></thead>
            <tbody>
              {metrics.map((m) => <tr key={m.code}><td><code>{m.code}</code></td><td>{m.name}</td><td>{m.aggregation}</td><td>{m.property ?? "—"}</td><td>{m.unit}</td><td className="num">{m.decimals}</td></tr>)}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
