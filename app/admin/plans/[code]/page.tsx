import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/auth/session";
import { getPlan } from "@/lib/billing/plans";
import { ApiError } from "@/lib/http/api-error";
import { listAllMetrics } from "@/lib/metering/metrics";
import { PlanEditor } from "./plan-editor";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  await requireAdmin(`/admin/plans/${encodeURIComponent(code)}`);
  const plan = await getPlan(code).catch((error) => {
    if (error instanceof ApiError && error.code === "not_found") notFound();
    throw error;
  });
  const metrics = (await listAllMetrics()).map((m) => m.code);
  const live = plan.versions[plan.versions.length - 1];
  return (
    <>
      <p><Link href="/admin/plans">← Plans</Link></p>
      <h1>{plan.name} <code>{plan.code}</code></h1>
      <p className="muted">Editing a draft of version {plan.versions.length + 1}. Published versions never change.</p>
      <PlanEditor planCode={plan.code} initial={live.pricing} metrics={metrics} />
      <section className="card" aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions</h2>
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">Version</th><th scope="col">Effective</th><th scope="col">Published</th></tr></thead>
            <tbody>
              {[...plan.versions].reverse().map((v) => (
                <tr key={v.version}><td>v{v.version}</td><td>{v.effective === "now" ? "from its period" : "from the next period"}{v.effectiveFrom ? ` (${v.effectiveFrom.slice(0, 16).replace("T", " ")} UTC)` : ""}</td><td>{v.createdAt.slice(0, 16).replace("T", " ")}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
