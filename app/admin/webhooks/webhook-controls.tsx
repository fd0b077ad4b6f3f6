"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { createWebhookEndpointAction, retryWebhookDeliveryAction, setWebhookEndpointEnabledAction, type ActionResult } from "../actions";
import { ActionErrors } from "../action-errors";

export function EndpointForm({ eventTypes }: { eventTypes: string[] }) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<{ id: number; secret: string }> | null>(null);
  return (
    <form
      className="card form"
      aria-labelledby="new-endpoint"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const outcome = await createWebhookEndpointAction({ url: String(form.get("url") ?? "").trim(), eventTypes: form.getAll("eventTypes").map(String) });
        setResult(outcome);
        if (outcome.ok) router.refresh();
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
      <button type="submit" className="btn">Add endpoint</button>
    </form>
  );
}

export function EndpointToggle({ id, enabled }: { id: number; enabled: boolean }) {
  const router = useRouter();
  return (
    <button type="button" className="btn small secondary" onClick={async () => {
      const result = await setWebhookEndpointEnabledAction(id, !enabled);
      if (result.ok) router.refresh();
    }}>{enabled ? "Enabled: disable" : "Disabled: enable"}</button>
  );
}

export function RetryButton({ id }: { id: number }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button type="button" className="btn small" onClick={async () => {
        const result = await retryWebhookDeliveryAction(id);
        if (result.ok) router.refresh();
        else setError(result.error);
      }}>Retry</button>
      {error ? <span role="alert" className="error-text small">{error}</span> : null}
    </>
  );
}
