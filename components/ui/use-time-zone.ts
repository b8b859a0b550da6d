"use client";
import { useSyncExternalStore } from "react";

const never = () => () => {};

/**
 * The viewer's time zone, e.g. "Europe/Berlin". The server renders in UTC (it does not know
 * the viewer's zone); the browser switches to its own zone right after hydration, without a
 * hydration mismatch (the server snapshot is what the first client render uses too).
 */
export function useTimeZone(): string {
  return useSyncExternalStore(
    never,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    () => "UTC",
  );
}

/** "14:05", "3 Mar", "3 Mar 2026, 14:05" in the given zone (en-GB: day before month, 24 h). */
export function formatInZone(date: Date, timeZone: string, style: "time" | "date" | "datetime" = "datetime"): string {
  const opts: Intl.DateTimeFormatOptions =
    style === "time"
      ? { hour: "2-digit", minute: "2-digit" }
      : style === "date"
        ? { day: "numeric", month: "short", year: "numeric" }
        : { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" };
  return date.toLocaleString("en-GB", { ...opts, timeZone });
}

/** The zone's short name for labels: "CET", "GMT+2", "UTC". */
export function zoneLabel(timeZone: string, at = new Date()): string {
  if (timeZone === "UTC") return "UTC";
  const part = new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "short" }).formatToParts(at).find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}
