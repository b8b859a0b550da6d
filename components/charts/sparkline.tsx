"use client";
import { Line, LineChart, YAxis } from "recharts";

/** A relation's recent orphan counts, as a tiny line (no axes: the number beside it says the value). */
export function Sparkline({ values, width = 96, height = 24 }: { values: number[]; width?: number; height?: number }) {
  if (values.length < 2) return <span className="text-xs text-zinc-400">—</span>;
  const rising = values[values.length - 1] > values[0];
  return (
    <LineChart width={width} height={height} data={values.map((v, i) => ({ i, v }))} aria-label="orphans over the last 7 days">
      <YAxis hide domain={["dataMin", "dataMax"]} />
      <Line type="monotone" dataKey="v" stroke={rising ? "#ef4444" : "#6366f1"} strokeWidth={1.5} dot={false} isAnimationActive={false} />
    </LineChart>
  );
}
