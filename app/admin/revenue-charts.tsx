"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

type Point = { label: string; minor: number; text: string };

function Chart({ title, points, testId }: { title: string; points: Point[]; testId: string }) {
  const data = points.map((p) => ({ ...p, major: p.minor / 100 }));
  return (
    <section className="card" aria-label={title} data-testid={testId}>
      <h2>{title}</h2>
      {points.length === 0 ? <p className="empty">No data.</p> : (
        <figure className="chart">
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" tick={{ fontSize: 11 }} />
              <YAxis tick={{ fontSize: 11 }} width={72} />
              <Tooltip formatter={(_v, _n, item) => [item.payload.text, title]} />
              <Bar dataKey="major" fill="#2f5bea" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
          <figcaption className="sr-only">{points.map((p) => `${p.label}: ${p.text}`).join("; ")}</figcaption>
        </figure>
      )}
    </section>
  );
}

export function RevenueCharts({ byMonth, byPlan, byMetric }: { byMonth: Point[]; byPlan: Point[]; byMetric: Point[] }) {
  return (
    <>
      <Chart title="Invoiced revenue per month" points={byMonth} testId="chart-month" />
      <div className="kpis">
        <Chart title="Revenue by plan" points={byPlan} testId="chart-plan" />
        <Chart title="Usage revenue by metric" points={byMetric} testId="chart-metric" />
      </div>
    </>
  );
}
