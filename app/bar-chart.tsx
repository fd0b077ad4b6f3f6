"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/**
 * The one bar chart of the portal and the console. `value` only sizes the bar (exact figures
 * arrive as `text`, formatted on the server); `name` labels the tooltip.
 */
export function BarChartFigure({ name, points, height = 220 }: { name: string; points: { label: string; value: number; text: string }[]; height?: number }) {
  return (
    <figure className="chart" aria-label={name}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={12} />
          <YAxis tick={{ fontSize: 11 }} width={64} />
          <Tooltip formatter={(_value, _name, item) => [item.payload.text, name]} />
          <Bar dataKey="value" fill="#2f5bea" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{points.map((p) => `${p.label}: ${p.text}`).join("; ")}</figcaption>
    </figure>
  );
}
