"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ActionResult } from "./actions";

const UNCONFIRMED = "The server did not confirm this change, so it may or may not have been made. Reload the page to see where things stand before trying again.";

/**
 * Runs console server actions: `pending` while one runs (buttons disable), its result kept for
 * ActionErrors / ActionError, and the page refreshed when it succeeds. A request that never got
 * an answer (the connection dropped, or the server failed unexpectedly) is shown as unconfirmed,
 * never swallowed: the change may have been made before the failure.
 */
export function useAdminAction<T = undefined>() {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<T> | null>(null);
  const [pending, setPending] = useState(false);
  async function run(action: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
    setPending(true);
    let outcome: ActionResult<T>;
    try {
      outcome = await action();
    } catch {
      outcome = { ok: false, error: UNCONFIRMED, details: [] };
    }
    setPending(false);
    setResult(outcome);
    if (outcome.ok) router.refresh();
    return outcome;
  }
  return { result, pending, run };
}

/** An action's outcome: what went wrong (with field paths) or what happened. */
export function ActionErrors<T>({ result, success }: { result: ActionResult<T> | null; success: (data: T) => string }) {
  if (!result) return null;
  if (result.ok) return <p role="status" className="ok-text">{success(result.data)}</p>;
  return (
    <div role="alert" className="error-text">
      <p>{result.error}</p>
      {result.details.length ? <ul>{result.details.map((d, i) => <li key={i}>{d.path ? <code>{d.path}</code> : null} {d.message}</li>)}</ul> : null}
    </div>
  );
}

/** A failed action's message, next to the button that ran it (row actions). */
export function ActionError({ result }: { result: ActionResult<unknown> | null }) {
  return result && !result.ok ? <span role="alert" className="error-text small">{result.error}</span> : null;
}
