import { sql, type RawBuilder } from "kysely";
import { normaliseValue } from "../keys";
import { col, keyNotNull, keysEqual, parentLive, tableId } from "../sql";
import type { ColumnsRef, ParentSoftDelete, SameTargetOrphanQuery, TableRef } from "../types";

// PostgreSQL and PGlite statements. Measured on PG 15 (PERFORMANCE.md and `npm run bench`):
// the planner turns NOT EXISTS and LEFT JOIN … IS NULL into the same hash anti join;
// a LEFT JOIN that also counts every child row does it in one pass instead of two.

/**
 * One pass over the child: every row counted, the unmatched ones with a full key are
 * orphans. Only valid when the parent key is unique (a duplicate parent would double rows).
 */
export function orphanCountOnePass(q: SameTargetOrphanQuery): RawBuilder<{ orphans: string; child_rows: string }> {
  const { child, parent } = q;
  return sql`SELECT count(*) AS child_rows,
  count(*) FILTER (WHERE ${keyNotNull("c", child.columns)} AND ${col("p", parent.columns[0])} IS NULL) AS orphans
FROM ${tableId(child)} AS c
LEFT JOIN ${tableId(parent)} AS p ON ${keysEqual("p", parent.columns, "c", child.columns)} AND ${parentLive("p", q.parentSoftDelete)}`;
}

// Type names come from format_type() of the catalog, never from the user; still, only
// plain type spellings are spliced as casts, anything else compares as text.
const SAFE_TYPE = /^[a-z][a-z0-9_ ]*(\(\d+(,\s*\d+)?\))?$/;

function castTo(expr: RawBuilder<unknown>, type: string): RawBuilder<unknown> {
  if (!type || !SAFE_TYPE.test(type)) return expr;
  return sql`CAST(${expr} AS ${sql.raw(type)})`;
}

/**
 * The positions of keys with no live parent: the keys travel as one text[] per column
 * (an array is one parameter, whatever the count) and are cast to the parent's types,
 * so the lookup is a nested-loop anti join on the parent's index (36 ms per 10K keys).
 */
export function missingKeys(
  parent: ColumnsRef,
  parentTypes: string[],
  keys: unknown[][],
  softDelete?: ParentSoftDelete,
): RawBuilder<{ ord: string }> {
  // (dates travel as ISO text, bytes as bytea's \x hex input)
  const arrays = parent.columns.map((_, i) => sql`CAST(${keys.map((k) => (k[i] == null ? null : normaliseValue(k[i])))} AS text[])`);
  const names = sql.join(parent.columns.map((_, i) => sql.id(`k${i}`)));
  const textMatch = (c: string, i: number) =>
    !parentTypes[i] || !SAFE_TYPE.test(parentTypes[i])
      ? sql`CAST(${col("p", c)} AS text) = ${col("x", `k${i}`)}`
      : sql`${col("p", c)} = ${castTo(col("x", `k${i}`), parentTypes[i])}`;
  const match = sql.join(parent.columns.map(textMatch), sql` AND `);
  return sql`SELECT x.ord
FROM unnest(${sql.join(arrays)}) WITH ORDINALITY AS x(${names}, ord)
WHERE NOT EXISTS (SELECT 1 FROM ${tableId(parent)} AS p WHERE ${match} AND ${parentLive("p", softDelete)})`;
}

