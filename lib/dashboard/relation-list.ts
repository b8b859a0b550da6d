import { z } from "zod";
import type { RelationRow } from "./relations";

/** The relations list's columns a person can sort by, each with how a row compares. */
const SORT_VALUE = {
  relation: (r: RelationRow) => r.relation,
  endpoints: (r: RelationRow) => `${r.childTarget}:${r.childSchema}.${r.childTable} ${r.parentTarget}:${r.parentSchema}.${r.parentTable}`,
  // a failed scan sorts above every count: it is what needs looking at
  orphans: (r: RelationRow) => (r.error ? Number.POSITIVE_INFINITY : Number(r.orphans ?? 0)),
  delta: (r: RelationRow) => r.delta24h ?? Number.NEGATIVE_INFINITY,
  trend: (r: RelationRow) => (r.spark.length >= 2 ? r.spark[r.spark.length - 1] - r.spark[0] : Number.NEGATIVE_INFINITY),
  childRows: (r: RelationRow) => Number(r.childRows ?? 0),
  took: (r: RelationRow) => r.durationMs,
} as const;

export type RelationSort = keyof typeof SORT_VALUE;
export const RELATION_SORTS = Object.keys(SORT_VALUE) as RelationSort[];

/** The list's state, all in the URL: a search, a sort column and direction (bad values fall back to the defaults). */
export const relationListQuery = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  sort: z
    .enum(RELATION_SORTS as [RelationSort, ...RelationSort[]])
    .optional()
    .catch(undefined),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
});
export type RelationListQuery = z.infer<typeof relationListQuery>;

/** Numbers read best largest first, names A to Z. */
export const defaultDir = (sort: RelationSort): "asc" | "desc" => (sort === "relation" || sort === "endpoints" ? "asc" : "desc");

/**
 * Rows whose name, table or target contains every word of the search (case-insensitive):
 * "shop payments" finds shop.payments.order_id; "orders" finds every relation from or to orders.
 */
export function searchRelations(rows: RelationRow[], q: string | undefined): RelationRow[] {
  const words = (q ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return rows;
  return rows.filter((r) => {
    const text = [r.relation, r.childTarget, r.childSchema, r.childTable, r.parentTarget, r.parentSchema, r.parentTable].join(" ").toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** A stable sort by one column; ties keep name order. */
export function sortRelations(rows: RelationRow[], sort: RelationSort = "relation", dir: "asc" | "desc" = defaultDir(sort)): RelationRow[] {
  const value = SORT_VALUE[sort];
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = typeof va === "string" || typeof vb === "string" ? String(va).localeCompare(String(vb)) : va === vb ? 0 : va < vb ? -1 : 1;
    return c !== 0 ? sign * c : a.relation.localeCompare(b.relation);
  });
}
