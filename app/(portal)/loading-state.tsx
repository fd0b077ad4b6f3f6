export function LoadingState() {
  return (
    <div role="status" aria-live="polite" className="loading">
      <span className="spinner" aria-hidden="true" /> Loading…
    </div>
  );
}
