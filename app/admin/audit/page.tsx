import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { listAudit } from "@/lib/admin/audit";
import { requireAdmin } from "@/lib/auth/session";
import { idSchema } from "@/lib/http/ids";

export const metadata: Metadata = { title: "Audit log" };

const PAGE = 100;
const WHO = { people: "People and API keys", automatic: "Automatic (period close)", all: "Everything" } as const;
const querySchema = z.object({
  who: z.enum(["people", "automatic", "all"]).catch("people"),
  before: idSchema.optional().catch(undefined),
});

const show = (value: unknown) => (value === null || value === undefined ? "—" : JSON.stringify(value));

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin("/admin/audit");
  const raw = await searchParams;
  const { who, before } = querySchema.parse({ who: raw.who, before: raw.before });
  // One more than a page: whether there are older entries to link to.
  const rows = await listAudit({ who, before, limit: PAGE + 1 });
  const entries = rows.slice(0, PAGE);
  const older = rows.length > PAGE ? entries[entries.length - 1].id : null;
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">
        Every change made in the console or over the API, and each invoice the period close finalizes: who, when, what, before and after. Each entry
        was written in the same transaction as its change.
      </p>
      <nav className="actions" aria-label="Whose changes">
        {(Object.keys(WHO) as (keyof typeof WHO)[]).map((key) => (
          <Link key={key} className={key === who ? "btn small" : "btn small secondary"} href={`/admin/audit?who=${key}`} aria-current={key === who ? "page" : undefined}>
            {WHO[key]}
          </Link>
        ))}
      </nav>
      {entries.length === 0 ? <p className="card empty">{before === undefined ? "No changes yet." : "No older changes."}</p> : (
        <section className="card" aria-label={`Audit log: ${WHO[who]}`}>
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
      <nav className="row-between" aria-label="Pages">
        {before !== undefined ? <Link href={`/admin/audit?who=${who}`}>← Newest</Link> : <span />}
        {older !== null ? <Link href={`/admin/audit?who=${who}&before=${older}`}>Older entries →</Link> : null}
      </nav>
    </>
  );
}
