import type { Metadata } from "next";
import { listAudit } from "@/lib/admin/audit";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit log" };

const show = (value: unknown) => (value === null || value === undefined ? "—" : JSON.stringify(value));

export default async function AuditPage() {
  await requireAdmin("/admin/audit");
  const entries = await listAudit();
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">Every change made in the console: who, when, what, before and after.</p>
      {entries.length === 0 ? <p className="card empty">No changes yet.</p> : (
        <section className="card">
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">Change</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id}>
                    <td>{e.createdAt.slice(0, 19).replace("T", " ")}</td><td>{e.actorEmail}</td>
                    <td><code>{e.action}</code> {e.entityType} <code>{e.entityId}</code></td>
                    <td><pre className="json">{show(e.before)}</pre></td><td><pre className="json">{show(e.after)}</pre></td>
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
