"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { describeAlert } from "@/lib/portal/alert-text";
import type { Overview, OverviewMetric } from "@/lib/portal/overview";
import { refreshOverview } from "./actions";

const POLL_MS = 1_000;
const MARKS = [80, 95, 100];

const day = (iso: string) => new Date(iso).toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/** The overview, refreshed every second while the tab is visible (no reload needed). */
export function LiveOverview({ initial }: { initial: Overview }) {
  const [overview, setOverview] = useState(initial);
  const [stale, setStale] = useState(false);

  useEffect(() => {
    let active = true;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      if (document.visibilityState === "visible") {
        try {
          const next = await refreshOverview();
          if (active) {
            setOverview(next);
            setStale(false);
          }
        } catch {
          if (active) setStale(true);
        }
      }
      if (active) timer = setTimeout(tick, POLL_MS);
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, []);

  // The period end is exclusive: show its last day.
  const lastDay = new Date(new Date(overview.period.end).getTime() - 1).toISOString();
  return (
    <>
      <h1>{overview.customerName}</h1>
      <p className="muted">
        Current period <strong>{day(overview.period.start)}</strong> to <strong>{day(lastDay)}</strong>
        {overview.planCode ? <> · plan <code>{overview.planCode}</code></> : null}
        {stale ? <span role="status"> · live figures paused, retrying…</span> : null}
      </p>
      <section className="kpis" aria-label="Spend">
        <div className="card kpi">
          <h2>Estimated spend so far</h2>
          <p className="big" data-testid="estimated-total">{overview.estimatedTotalText}</p>
          <p className="muted small">What an invoice for this usage would total, tax included.</p>
        </div>
        <div className="card kpi">
          <h2>Projected for the period</h2>
          <p className="big" data-testid="projected-total">{overview.projectedTotalText}</p>
          <p className="muted small">Usage so far, extended at the same pace to the period end.</p>
        </div>
      </section>
      <section className="card" aria-labelledby="usage-heading">
        <h2 id="usage-heading">Usage this period</h2>
        {overview.metrics.length === 0 ? <p className="empty">No metrics are metered yet.</p> : (
          <ul className="meters">
            {overview.metrics.map((m) => <Meter key={m.metric} metric={m} />)}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">Recent alerts</h2>
        {overview.alerts.length === 0 ? (
          <p className="empty">No alerts this period.</p>
        ) : (
          <ul>
            {overview.alerts.map((a) => (
              <li key={a.id}>
                {describeAlert(a)} ·{" "}
                <time dateTime={a.firedAt}>{new Date(a.firedAt).toLocaleString("en-US", { timeZone: "UTC" })} UTC</time>
              </li>
            ))}
          </ul>
        )}
        <p><Link href="/alerts">All alerts</Link></p>
      </section>
      <p className="muted small">Updated <time dateTime={overview.asOf}>{new Date(overview.asOf).toLocaleTimeString("en-US", { timeZone: "UTC" })} UTC</time></p>
    </>
  );
}

function Meter({ metric }: { metric: OverviewMetric }) {
  const percent = metric.percent === null ? null : Number(metric.percent);
  const level = percent === null ? "" : percent >= 100 ? "over" : percent >= 95 ? "high" : percent >= 80 ? "warn" : "";
  return (
    <li className="meter" data-testid={`meter-${metric.metric}`}>
      <div className="meter-head">
        <strong>{metric.name}</strong>
        <span>
          <span data-testid={`used-${metric.metric}`}>{metric.used}</span> {metric.unit}
          {metric.included !== "0" ? <span className="muted"> of {metric.included} included</span> : null}
        </span>
        <span className="amount">{metric.amountText}</span>
      </div>
      {percent !== null ? (
        <div
          className={`bar ${level}`}
          role="progressbar"
          aria-label={`${metric.name}: ${metric.percent}% of the allowance`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.min(100, percent)}
        >
          <div className="fill" style={{ width: `${Math.min(100, percent)}%` }} />
          {MARKS.map((mark) => <span key={mark} className="mark" style={{ left: `${mark}%` }} title={`${mark}%`} />)}
          <span className="bar-label">{metric.percent}%</span>
        </div>
      ) : (
        <p className="muted small">No allowance: every unit is billed.</p>
      )}
    </li>
  );
}
