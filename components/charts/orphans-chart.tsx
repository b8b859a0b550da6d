"use client";
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { OTHER_COLOR, PALETTE } from "./palette";
import { formatInZone, useTimeZone, zoneLabel } from "@/components/ui/use-time-zone";
import { formatNumber } from "@/lib/format";

export interface ChartPoint {
  t: number;
  values: Record<string, number>;
}

function tick(t: number, spanMs: number, zone: string) {
  const d = new Date(t);
  return spanMs <= 2 * 86_400_000 ? formatInZone(d, zone, "time") : d.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: zone });
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
  // times in the viewer's zone, named on the axis (the server renders UTC until the browser takes over)
  const zone = useTimeZone();
  const zoneName = zoneLabel(zone, points.length ? new Date(points[points.length - 1].t) : undefined);
  return (
    <div data-testid="orphans-chart" data-points={points.length} data-time-zone={zoneName} style={{ height }} className="relative">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={["dataMin", "dataMax"]}
            tickFormatter={(t) => tick(t, span, zone)}
            stroke="currentColor"
            strokeOpacity={0.5}
            fontSize={12}
            label={{ value: `time (${zoneName})`, position: "insideBottomRight", offset: -12, fontSize: 11, fill: "currentColor", fillOpacity: 0.6 }}
          />
          <YAxis tickFormatter={(v: number) => formatNumber(v)} stroke="currentColor" strokeOpacity={0.5} fontSize={12} width={64} allowDecimals={false} />
          {/* kept inside the card: never past the chart's box, and narrow enough to fit a phone */}
          <Tooltip
            labelFormatter={(t) => `${formatInZone(new Date(Number(t)), zone)} ${zoneName}`}
            formatter={(v) => formatNumber(Number(v))}
            allowEscapeViewBox={{ x: false, y: false }}
            wrapperStyle={{ zIndex: 10, maxWidth: "min(18rem, 80%)" }}
            contentStyle={{ fontSize: 12, whiteSpace: "normal", overflowWrap: "anywhere" }}
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
