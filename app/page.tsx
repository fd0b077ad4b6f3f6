import { listAllMetrics } from "@/lib/metering/metrics";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const metrics = await listAllMetrics();
  return (
    <main>
      <h1>Meterline</h1>
      <p className="muted">Usage metering and billing: events counted as they arrive, prices as data.</p>
      <section className="card" aria-labelledby="metrics-heading">
        <h2 id="metrics-heading">Billable metrics</h2>
        {metrics.length === 0 ? (
          <p>No metrics yet. Define one with <code>POST /api/v1/metrics</code>.</p>
        ) : (
          <div className="table-wrap">
          <table>
            <thead>
              <tr><th>Code</th><th>Name</th><th>Aggregation</th><th>Unit</th></tr>
            </thead>
            <tbody>
              {metrics.map((m) => (
                <tr key={m.code}><td><code>{m.code}</code></td><td>{m.name}</td><td>{m.aggregation}</td><td>{m.unit}</td></tr>
              ))}
            </tbody>
          </table>
          </div>
        )}
      </section>
      <section className="card">
        <h2>API</h2>
        <p>Send usage with <code>POST /api/v1/events</code> and read live usage with <code>GET /api/v1/customers/&#123;id&#125;/usage</code>, authenticated by <code>Authorization: Bearer mk_live_…</code>.</p>
      </section>
    </main>
  );
}
