"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { startInvoiceRunAction } from "../actions";

type Run = { id: number; status: string; progress: { total: number; done: number; failed: number }; error: string | null };

/** Starts an invoice run and follows it: done / total / failed, until it completes. */
export function InvoiceRunPanel({ defaultPeriodEnd }: { defaultPeriodEnd: string }) {
  const router = useRouter();
  const [periodEnd, setPeriodEnd] = useState(defaultPeriodEnd);
  const [runId, setRunId] = useState<number | null>(null);
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (runId === null) return;
    let active = true;
    const poll = async () => {
      const res = await fetch(`/admin/invoice-runs/${runId}`, { cache: "no-store" });
      if (!active) return;
      if (res.ok) {
        const next = (await res.json()) as Run;
        setRun(next);
        if (next.status === "completed" || next.status === "failed") {
          router.refresh();
          return;
        }
      }
      setTimeout(poll, 500);
    };
    void poll();
    return () => {
      active = false;
    };
  }, [runId, router]);

  const percent = run && run.progress.total > 0 ? Math.floor(((run.progress.done + run.progress.failed) * 100) / run.progress.total) : run?.status === "completed" ? 100 : 0;
  return (
    <section className="card" aria-labelledby="run-heading">
      <h2 id="run-heading">Invoice run</h2>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          setRun(null);
          const result = await startInvoiceRunAction(periodEnd);
          if (result.ok) setRunId(result.data.runId);
          else setError(`${result.error} ${result.details.map((d) => d.message).join("; ")}`);
        }}
      >
        <label htmlFor="run-period-end">Periods ending on or before</label>
        <input id="run-period-end" type="date" required value={periodEnd} onChange={(e) => setPeriodEnd(e.target.value)} />
        <button type="submit" className="btn">Start invoice run</button>
      </form>
      {error ? <p role="alert" className="error-text">{error}</p> : null}
      {runId !== null ? (
        <div className="run">
          <div className="bar" role="progressbar" aria-label="Invoice run progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className="fill" style={{ width: `${percent}%` }} />
            <span className="bar-label">{percent}%</span>
          </div>
          <p role="status" data-testid="run-status">
            Run #{runId}: {run ? `${run.status}, ${run.progress.done} of ${run.progress.total} customers done, ${run.progress.failed} failed` : "queued"}
            {run?.error ? ` (${run.error})` : ""}
          </p>
        </div>
      ) : null}
    </section>
  );
}
