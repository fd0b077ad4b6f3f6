import type { Metadata } from "next";
import { requireAdmin } from "@/lib/auth/session";
import { WEBHOOK_EVENT_TYPES } from "@/lib/db/schema";
import { listDeliveries, listEndpoints } from "@/lib/webhooks/endpoints";
import { EndpointForm, EndpointToggle, RetryButton } from "./webhook-controls";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  await requireAdmin("/admin/webhooks");
  const [endpoints, deliveries] = await Promise.all([listEndpoints(), listDeliveries(100)]);
  return (
    <>
      <h1>Webhooks</h1>
      <p className="muted">Events are signed per Standard Webhooks (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>) with the endpoint&apos;s secret, retried with exponential backoff, and given up after a bounded number of attempts.</p>
      <EndpointForm eventTypes={[...WEBHOOK_EVENT_TYPES]} />
      <section className="card" aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">Endpoints</h2>
        {endpoints.length === 0 ? <p className="empty">No endpoints yet.</p> : (
          <div className="table-wrap"><table>
            <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Secret</th><th scope="col">State</th></tr></thead>
            <tbody>{endpoints.map((e) => (
              <tr key={e.id}>
                <td><code>{e.url}</code></td><td>{e.eventTypes.join(", ")}</td>
                <td><details><summary>Show</summary><code>{e.secret}</code></details></td>
                <td><EndpointToggle id={e.id} enabled={e.enabled} /></td>
              </tr>
            ))}</tbody>
          </table></div>
        )}
      </section>
      <section className="card" aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">Recent deliveries</h2>
        {deliveries.length === 0 ? <p className="empty">Nothing delivered yet.</p> : (
          <div className="table-wrap"><table>
            <thead><tr><th scope="col">Event</th><th scope="col">Endpoint</th><th scope="col">Status</th><th scope="col">Attempts (status, latency, answer)</th><th scope="col" /></tr></thead>
            <tbody>{deliveries.map((d) => (
              <tr key={d.id} data-testid={`delivery-${d.id}`}>
                <td><code>{d.eventType}</code><br /><span className="muted small">{d.messageId}</span></td>
                <td><code>{d.endpointUrl}</code></td>
                <td><span className={`status ${d.status === "succeeded" ? "paid" : d.status === "failed" ? "overdue" : ""}`}>{d.status}</span></td>
                <td>
                  <ol className="attempts">
                    {d.attempts.map((a) => <li key={a.attempt}>{a.statusCode ?? "no answer"} · {a.latencyMs} ms{a.responseExcerpt ? ` · ${a.responseExcerpt.slice(0, 80)}` : ""}</li>)}
                  </ol>
                </td>
                <td>{d.status === "failed" ? <RetryButton id={d.id} /> : null}</td>
              </tr>
            ))}</tbody>
          </table></div>
        )}
      </section>
    </>
  );
}
