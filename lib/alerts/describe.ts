/**
 * What an alert says, in one place for the overview, the relation pages and the webhook.
 * `relation` is a relation's name for count and growth alerts, and a soft-delete table
 * (`target.schema.table`) for a pending backlog alert.
 */
export type AlertKind = "count" | "growth" | "pending";

export interface AlertLike {
  relation: string;
  kind: string;
  threshold: number;
  value: number;
}

const n = (v: number) => Math.round(v).toLocaleString("en-US");

/** The badge: a few words. */
export function alertBadge(kind: string): string {
  if (kind === "count") return "over threshold";
  if (kind === "growth") return "growing";
  if (kind === "pending") return "purge backlog";
  return kind;
}

/** The measured value against its threshold. */
export function alertDetail(a: AlertLike): string {
  if (a.kind === "count") return `${n(a.value)} orphans (threshold ${n(a.threshold)})`;
  if (a.kind === "growth") return `+${n(a.value)} orphans a day (threshold ${n(a.threshold)})`;
  if (a.kind === "pending") return `${n(a.value)} soft-deleted rows past grace wait for a purge (threshold ${n(a.threshold)})`;
  return `${n(a.value)} (threshold ${n(a.threshold)})`;
}

/** Where the alert is looked into. */
export function alertHref(a: Pick<AlertLike, "relation" | "kind">, relationHref: (name: string) => string): string {
  return a.kind === "pending" ? "/soft-deletes" : relationHref(a.relation);
}

/** An alert about a relation (not a soft-delete table). */
export const isRelationAlert = (a: Pick<AlertLike, "kind">) => a.kind === "count" || a.kind === "growth";
