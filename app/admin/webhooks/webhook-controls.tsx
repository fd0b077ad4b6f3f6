"use client";
import { createWebhookEndpointAction, retryWebhookDeliveryAction, setWebhookEndpointEnabledAction } from "../actions";
import { ActionError, ActionErrors, useAdminAction } from "../action-errors";

export function EndpointForm({ eventTypes }: { eventTypes: string[] }) {
  const { result, pending, run } = useAdminAction<{ id: number; secret: string }>();
  return (
    <form
      className="card form"
      aria-labelledby="new-endpoint"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        await run(() => createWebhookEndpointAction({ url: String(form.get("url") ?? "").trim(), eventTypes: form.getAll("eventTypes").map(String) }));
      }}
    >
      <h2 id="new-endpoint">New endpoint</h2>
      <label htmlFor="wh-url">URL</label>
      <input id="wh-url" name="url" type="url" required maxLength={2000} placeholder="https://example.com/webhooks/meterline" />
      <fieldset className="radios">
        <legend>Events</legend>
        {eventTypes.map((t) => <label key={t}><input type="checkbox" name="eventTypes" value={t} defaultChecked /> {t}</label>)}
      </fieldset>
      <ActionErrors result={result} success={(r) => `Endpoint added. Its signing secret: ${r.secret}`} />
      <button type="submit" className="btn" disabled={pending}>Add endpoint</button>
    </form>
  );
}

export function EndpointToggle({ id, enabled }: { id: number; enabled: boolean }) {
  const { result, pending, run } = useAdminAction<unknown>();
  return (
    <>
      <button type="button" className="btn small secondary" disabled={pending} onClick={() => run(() => setWebhookEndpointEnabledAction(id, !enabled))}>
        {enabled ? "Enabled: disable" : "Disabled: enable"}
      </button>
      <ActionError result={result} />
    </>
  );
}

export function RetryButton({ id }: { id: number }) {
  const { result, pending, run } = useAdminAction<unknown>();
  return (
    <>
      <button type="button" className="btn small" disabled={pending} onClick={() => run(() => retryWebhookDeliveryAction(id))}>Retry</button>
      <ActionError result={result} />
    </>
  );
}
