"use client";
import { createMetricAction } from "../actions";
import { ActionErrors, useAdminAction } from "../action-errors";

export function MetricForm() {
  const { result, pending, run } = useAdminAction<{ code: string }>();
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const property = String(form.get("property") ?? "").trim();
    const formElement = event.currentTarget;
    const outcome = await run(() => createMetricAction({
      code: String(form.get("code") ?? "").trim(),
      name: String(form.get("name") ?? ""),
      unit: String(form.get("unit") ?? ""),
      aggregation: String(form.get("aggregation") ?? ""),
      property: property === "" ? null : property,
      decimals: Number(form.get("decimals") ?? 0),
    }));
    if (outcome.ok) formElement.reset();
  }
  return (
    <form className="card form grid-form" onSubmit={onSubmit} aria-labelledby="new-metric">
      <h2 id="new-metric">New metric</h2>
      <label htmlFor="m-code">Code</label>
      <input id="m-code" name="code" required pattern="[a-z][a-z0-9_]{0,63}" placeholder="api_calls" />
      <label htmlFor="m-name">Name</label>
      <input id="m-name" name="name" required maxLength={100} placeholder="API calls" />
      <label htmlFor="m-unit">Unit</label>
      <input id="m-unit" name="unit" required maxLength={32} placeholder="call" />
      <label htmlFor="m-aggregation">Aggregation</label>
      <select id="m-aggregation" name="aggregation" defaultValue="sum">
        <option value="sum">sum</option><option value="count">count</option><option value="max">max</option>
        <option value="latest">latest</option><option value="unique_count">unique_count</option>
      </select>
      <label htmlFor="m-property">Property (for unique_count)</label>
      <input id="m-property" name="property" maxLength={64} placeholder="user_id" />
      <label htmlFor="m-decimals">Decimal places</label>
      <input id="m-decimals" name="decimals" type="number" min={0} max={12} defaultValue={0} />
      <ActionErrors result={result} success={(r) => `Metric ${r.code} created: events for it are accepted now.`} />
      <button type="submit" className="btn" disabled={pending}>{pending ? "Creating…" : "Create metric"}</button>
    </form>
  );
}
