import type { Metadata } from "next";
import { requireCustomer } from "@/lib/auth/session";
import { describeAlert } from "@/lib/portal/alert-text";
import { listAlerts } from "@/lib/portal/alerts";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage() {
  const user = await requireCustomer("/alerts");
  const alerts = await listAlerts(user.customerId);
  return (
    <>
      <h1>Alerts</h1>
      <p className="muted">Usage and spend alerts fired for your account, newest first.</p>
      {alerts.length === 0 ? (
        <p className="card empty">No alerts have fired. You will see one here when usage reaches 80, 95 or 100 % of an allowance.</p>
      ) : (
        <section className="card">
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">When (UTC)</th><th scope="col">Alert</th><th scope="col">Period</th><th scope="col" className="num">Observed</th></tr></thead>
              <tbody>
                {alerts.map((a) => (
                  <tr key={a.id}>
                    <td><time dateTime={a.firedAt}>{a.firedAt.slice(0, 16).replace("T", " ")}</time></td>
                    <td>{describeAlert(a)}</td>
                    <td>{a.periodStart.slice(0, 10)}</td>
                    <td className="num">{a.observed}</td>
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
