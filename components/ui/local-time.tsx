"use client";
import { formatRelative } from "@/lib/format";
import { formatInZone, useTimeZone, zoneLabel } from "./use-time-zone";

/**
 * The one way the console shows a time: in the viewer's time zone ("relative": "3 h ago";
 * "datetime": "3 Mar 2026, 14:05"; "date": "3 Mar 2026"), with the exact time in the viewer's
 * zone and in UTC on hover.
 */
export function LocalTime({
  date,
  mode = "relative",
  className,
  testId,
}: {
  date: Date | string;
  mode?: "relative" | "datetime" | "date";
  className?: string;
  testId?: string;
}) {
  const zone = useTimeZone();
  const d = typeof date === "string" ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return <span className={className}>—</span>;
  const utc = `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;
  const local = `${formatInZone(d, zone)} ${zoneLabel(zone, d)}`;
  const text =
    mode === "relative" ? formatRelative(d) : mode === "date" ? formatInZone(d, zone, "date") : `${formatInZone(d, zone)}${zone === "UTC" ? " UTC" : ""}`;
  return (
    <time dateTime={d.toISOString()} title={zone === "UTC" ? utc : `${local} · ${utc}`} className={className} data-testid={testId} suppressHydrationWarning>
      {text}
    </time>
  );
}
