"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Daily usage bars. Values arrive as exact decimal strings; the chart only needs their size. */
export function UsageChart({ name, unit, days }: { name: string; unit: string; days: { day: string; value: string }[] }) {
  const data = days.map((d) => ({ day: d.day.slice(5), value: Number(d.value), exact: d.value }));
  return (
    <figure className="chart" aria-label={`${name} per day`}>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={12} />
          <YAxis tick={{ fontSize: 11 }} width={56} />
          <Tooltip formatter={(_value, _name, item) => [`${item.payload.exact} ${unit}`, name]} />
          <Bar dataKey="value" fill="#2f5bea" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
