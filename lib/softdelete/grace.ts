import { sql, type RawBuilder } from "kysely";
import type { Target } from "../targets/types";

const DAY_MS = 86_400_000;

/** Rows stamped before this are past their grace period. */
export function graceCutoff(graceDays: number, now: Date): Date {
  return new Date(now.getTime() - graceDays * DAY_MS);
}

/**
 * "Stamped longer ago than `before`" in the target's own terms: the negation of its
 * "parent is live" predicate (SQLite reads text and unix stamps; the others compare a
 * bound timestamp), so a NULL or unreadable stamp is never past grace.
 */
export function olderThan(target: Target, alias: string, column: string, before: Date): RawBuilder<unknown> {
  return sql`NOT ${target.parentLive(alias, { column, before })}`;
}

/** A stamp as a driver returns it (Date, ISO or SQLite text, unix seconds or ms) as a Date; null when unreadable. */
export function stampToDate(value: unknown): Date | null {
  if (value == null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === "number" || typeof value === "bigint") {
    const n = Number(value);
    return new Date(n > 1e12 ? n : n * 1000);
  }
  const text = String(value);
  if (/^\d+(\.\d+)?$/.test(text)) return stampToDate(Number(text));
  // SQLite's "YYYY-MM-DD HH:MM:SS" is UTC by its own definition.
  const d = new Date(/^\d{4}-\d{2}-\d{2} \d/.test(text) && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? `${text.replace(" ", "T")}Z` : text);
  return Number.isNaN(d.getTime()) ? null : d;
}

export const daysBetween = (from: Date, to: Date) => (to.getTime() - from.getTime()) / DAY_MS;
