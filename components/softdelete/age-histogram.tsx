"use client";
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber } from "@/lib/format";

export interface AgeBucket {
  label: string;
  rows: number;
  pastGrace: boolean;
}

/** Soft-deleted rows by age since deletion; the bars past the grace period (waiting for their purge) in red. */
export function AgeHistogram({ buckets, graceDays, height = 200 }: { buckets: AgeBucket[]; graceDays: number; height?: number }) {
  return (
    <div data-testid="age-histogram" data-buckets={buckets.length} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={buckets} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} vertical={false} />
          <XAxis dataKey="label" stroke="currentColor" strokeOpacity={0.5} fontSize={12} />
          <YAxis tickFormatter={(v: number) => formatNumber(v)} stroke="currentColor" strokeOpacity={0.5} fontSize={12} width={56} allowDecimals={false} />
          <Tooltip
            formatter={(v) => [formatNumber(Number(v)), "rows"]}
            labelFormatter={(l, p) => `${l} since deletion${p?.[0]?.payload?.pastGrace ? ` — past the ${graceDays}-day grace` : ""}`}
            allowEscapeViewBox={{ x: false, y: false }}
            wrapperStyle={{ zIndex: 10, maxWidth: "min(18rem, 80%)" }}
            contentStyle={{ fontSize: 12, whiteSpace: "normal", overflowWrap: "anywhere" }}
          />
          <Bar dataKey="rows" isAnimationActive={false}>
            {buckets.map((b) => (
              <Cell key={b.label} fill={b.pastGrace ? "#dc2626" : "#6366f1"} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
