"use client";

/** Shown when a portal page fails: says so plainly and offers a retry. */
export default function PortalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="card" role="alert">
      <h1>Something went wrong</h1>
      <p>This page could not be loaded. Your data is safe; nothing was changed.</p>
      {error.digest ? <p className="muted small">Reference: {error.digest}</p> : null}
      <button type="button" className="btn" onClick={reset}>Try again</button>
    </section>
  );
}
