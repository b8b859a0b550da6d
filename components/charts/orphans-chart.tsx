"use client";
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { OTHER_COLOR, PALETTE } from "./palette";
import { formatNumber } from "@/lib/format";

export interface ChartPoint {
  t: number;
  values: Record<string, number>;
}

function tick(t: number, spanMs: number) {
  const d = new Date(t);
  return spanMs <= 2 * 86_400_000
    ? d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" })
    : d.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

/** Orphans over time, one band per relation, stacked: the top of the stack is the total. */
export function OrphansChart({
  points,
  series,
  other = "other relations",
  height = 280,
}: {
  points: ChartPoint[];
  series: string[];
  other?: string;
  height?: number;
}) {
  const data = points.map((p) => ({ t: p.t, ...p.values }));
  const span = points.length > 1 ? points[points.length - 1].t - points[0].t : 0;
  return (
    <div data-testid="orphans-chart" data-points={points.length} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={["dataMin", "dataMax"]}
            tickFormatter={(t) => tick(t, span)}
            stroke="currentColor"
            strokeOpacity={0.5}
            fontSize={12}
          />
          <YAxis tickFormatter={(v: number) => formatNumber(v)} stroke="currentColor" strokeOpacity={0.5} fontSize={12} width={64} allowDecimals={false} />
          <Tooltip
            labelFormatter={(t) => `${new Date(Number(t)).toISOString().replace("T", " ").slice(0, 16)} UTC`}
            formatter={(v) => formatNumber(Number(v))}
            contentStyle={{ fontSize: 12 }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s, i) => {
            const color = s === other ? OTHER_COLOR : PALETTE[i % PALETTE.length];
            return (
              <Area
                key={s}
                type="stepAfter"
                dataKey={s}
                stackId="orphans"
                stroke={color}
                fill={color}
                fillOpacity={0.35}
                isAnimationActive={false}
                dot={points.length <= 30 ? { r: 2 } : false}
              />
            );
          })}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
