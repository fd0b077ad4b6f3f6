"use client";
import type { ActionResult } from "./actions";

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
