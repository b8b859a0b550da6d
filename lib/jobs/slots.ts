import { CronExpressionParser } from "cron-parser";

/** The cron tick a scheduled job belongs to: the latest tick at or before `at` (UTC). */
export function cronSlot(cron: string, at: Date): Date {
  // +1 ms so a job created exactly on its tick maps to that tick, not the one before.
  return CronExpressionParser.parse(cron, { currentDate: new Date(at.getTime() + 1), tz: "UTC" })
    .prev()
    .toDate();
}

export function slotKey(cron: string, at: Date): string {
  return `schedule:${cronSlot(cron, at).toISOString()}`;
}

/** When the schedule sweeps next. */
export function nextRun(cron: string, from = new Date()): Date {
  return CronExpressionParser.parse(cron, { currentDate: from, tz: "UTC" }).next().toDate();
}
