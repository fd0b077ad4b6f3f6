"use client";
import { setUsageLimitAction } from "../../actions";
import { ActionErrors, useAdminAction } from "../../action-errors";

/** Hard limits per metric and period: usage is still recorded, receipts and entitlements say when it is passed. */
export function LimitForm({ customer, metrics, limits }: { customer: string; metrics: string[]; limits: Record<string, { kind: "quantity" | "spend"; value: string }> }) {
  const { result, pending, run } = useAdminAction();
  return (
    <form
      className="card form grid-form"
      aria-labelledby="limits-heading"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        await run(() => setUsageLimitAction(customer, String(form.get("metric")), form.get("kind") === "spend" ? "spend" : "quantity", String(form.get("quantity") ?? "")));
      }}
    >
      <h2 id="limits-heading">Hard limits</h2>
      <p className="muted small">Current: {Object.keys(limits).length === 0 ? "none" : Object.entries(limits).map(([m, l]) => (l.kind === "spend" ? `${m} spend ≤ ${l.value}` : `${m} ≤ ${l.value}`)).join(", ")} per period.</p>
      <label htmlFor="limit-metric">Metric</label>
      <select id="limit-metric" name="metric">{metrics.map((m) => <option key={m}>{m}</option>)}</select>
      <label htmlFor="limit-kind">Limit on</label>
      <select id="limit-kind" name="kind"><option value="quantity">usage (the metric&apos;s unit)</option><option value="spend">spend (currency)</option></select>
      <label htmlFor="limit-quantity">Limit per period (empty: none)</label>
      <input id="limit-quantity" name="quantity" inputMode="decimal" maxLength={30} />
      <ActionErrors result={result} success={() => "Limit saved."} />
      <button type="submit" className="btn" disabled={pending}>Save limit</button>
    </form>
  );
}
