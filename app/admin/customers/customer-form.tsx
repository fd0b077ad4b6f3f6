"use client";
import { createCustomerAction, updateCustomerAction } from "../actions";
import { ActionErrors, useAdminAction } from "../action-errors";

type Existing = { externalId: string; name: string; email: string; plan: string | null; alertPercentages: number[] | null; alertSpend: string[] | null };

/** Creates a customer, or edits one (name, email, plan from the next period). */
export function CustomerForm({ plans, existing }: { plans: string[]; existing?: Existing }) {
  const { result, pending, run } = useAdminAction<unknown>();
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim();
    await run(() => existing
      ? updateCustomerAction(existing.externalId, { name: value("name"), email: value("email"), planCode: value("planCode"), alertPercentages: value("alertPercentages"), alertSpend: value("alertSpend") })
      : createCustomerAction({
          externalId: value("externalId"), name: value("name"), email: value("email"),
          planCode: value("planCode") || null, billingAnchor: value("billingAnchor") ? `${value("billingAnchor")}T00:00:00Z` : null,
        }));
  }
  return (
    <form className="card form grid-form" onSubmit={onSubmit} aria-labelledby="customer-form">
      <h2 id="customer-form">{existing ? "Edit customer" : "New customer"}</h2>
      {!existing ? (<><label htmlFor="c-id">External id</label><input id="c-id" name="externalId" required maxLength={128} placeholder="cus_123" /></>) : null}
      <label htmlFor="c-name">Name</label>
      <input id="c-name" name="name" required maxLength={200} defaultValue={existing?.name} />
      <label htmlFor="c-email">Billing email</label>
      <input id="c-email" name="email" type="email" required maxLength={254} defaultValue={existing?.email} />
      <label htmlFor="c-plan">Plan</label>
      <select id="c-plan" name="planCode" defaultValue={existing?.plan ?? ""} aria-describedby={existing?.plan ? "plan-note" : undefined}>
        <option value="">(none: metered, not billed)</option>
        {plans.map((p) => <option key={p} value={p}>{p}</option>)}
      </select>
      {existing?.plan ? <p id="plan-note" className="muted small">A new plan takes effect from the customer&apos;s next period; the current one keeps its plan.</p> : null}
      {existing ? (
        <>
          <label htmlFor="c-alerts">Usage alerts (% of allowance)</label>
          <input id="c-alerts" name="alertPercentages" defaultValue={existing.alertPercentages?.join(", ") ?? ""} placeholder="the plan's (80, 95, 100)" maxLength={100} />
          <label htmlFor="c-spend">Spend alerts (amounts this period)</label>
          <input id="c-spend" name="alertSpend" defaultValue={existing.alertSpend?.join(", ") ?? ""} placeholder="the plan's" maxLength={200} />
        </>
      ) : null}
      {!existing ? (<><label htmlFor="c-anchor">Billing anchor (optional)</label><input id="c-anchor" name="billingAnchor" type="date" /></>) : null}
      <ActionErrors result={result} success={(data) => (existing ? savedText(data) : "Customer created.")} />
      <button type="submit" className="btn" disabled={pending}>{existing ? "Save" : "Create customer"}</button>
    </form>
  );
}

function savedText(data: unknown): string {
  const change = (data as { planChange?: { kind: string; planCode: string; effectiveFrom: string | null } } | undefined)?.planChange;
  if (!change || change.kind === "unchanged") return "Saved.";
  if (change.kind === "cancelled") return "Saved; the pending plan change is cancelled.";
  if (change.kind === "subscribed") return `Saved; subscribed to ${change.planCode}.`;
  return `Saved; moves to ${change.planCode} on ${change.effectiveFrom?.slice(0, 10)}.`;
}
