"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Invoice totals per period. `total` is in minor units; the axis shows major units. */
export function SpendChart({ points }: { points: { period: string; total: number; text: string; status: string }[] }) {
  const data = points.map((p) => ({ ...p, major: p.total / 100 }));
  return (
    <figure className="chart" aria-label="Invoice totals by period">
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="period" tick={{ fontSize: 11 }} />
          <YAxis tick={{ fontSize: 11 }} width={64} />
          <Tooltip formatter={(_value, _name, item) => [`${item.payload.text} (${item.payload.status})`, "Total"]} />
          <Bar dataKey="major" fill="#2f5bea" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
