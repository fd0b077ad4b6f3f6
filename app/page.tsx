import Link from "next/link";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const user = await currentUser();
  if (user) redirect(user.role === "admin" ? "/admin" : "/overview");
  return (
    <main className="narrow">
      <h1>Meterline</h1>
      <p className="muted">Usage metering and billing: events counted as they arrive, prices as data.</p>
      <section className="card">
        <h2>Customers</h2>
        <p>See your live usage, estimated spend, alerts and invoices.</p>
        <p><Link className="btn" href="/sign-in">Sign in</Link></p>
      </section>
      <section className="card">
        <h2>API</h2>
        <p>Send usage with <code>POST /api/v1/events</code> and read live usage with <code>GET /api/v1/customers/&#123;id&#125;/usage</code>, authenticated by <code>Authorization: Bearer mk_live_…</code>.</p>
      </section>
    </main>
  );
}
