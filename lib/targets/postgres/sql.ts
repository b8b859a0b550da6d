import { sql, type RawBuilder } from "kysely";
import { col, keyAfter, keyNotNull, keysEqual, orderBy, tableId } from "../sql";
import type { ColumnsRef, ParentSoftDelete, SameTargetOrphanQuery, TableRef } from "../types";

// PostgreSQL and PGlite statements. Measured on PG 15 (PERFORMANCE.md and `npm run bench`):
// the planner turns NOT EXISTS and LEFT JOIN … IS NULL into the same hash anti join;
// a LEFT JOIN that also counts every child row does it in one pass instead of two.

/** "The parent row is live": no soft-delete stamp, or one younger than the grace. */
function parentLive(alias: string, sd: ParentSoftDelete | undefined): RawBuilder<unknown> {
  if (!sd) return sql`TRUE`;
  return sql`(${col(alias, sd.column)} IS NULL OR ${col(alias, sd.column)} >= ${sd.before})`;
}

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

/** Anti join for parents whose key is not unique; pair it with countRows for the total. */
export function orphanCountAntiJoin(q: SameTargetOrphanQuery): RawBuilder<{ orphans: string }> {
  const { child, parent } = q;
  return sql`SELECT count(*) AS orphans
FROM ${tableId(child)} AS c
WHERE ${keyNotNull("c", child.columns)}
  AND NOT EXISTS (SELECT 1 FROM ${tableId(parent)} AS p
    WHERE ${keysEqual("p", parent.columns, "c", child.columns)} AND ${parentLive("p", q.parentSoftDelete)})`;
}

export function countRows(t: TableRef): RawBuilder<{ n: string }> {
  return sql`SELECT count(*) AS n FROM ${tableId(t)}`;
}

/** Distinct child keys in key order, over the child's key index (PERFORMANCE.md: 1.7M rows/s). */
export function walkKeys(child: ColumnsRef, after: unknown[] | null, limit: number): RawBuilder<Record<string, unknown>> {
  const aliased = sql.join(child.columns.map((c, i) => sql`${col("c", c)} AS ${sql.id(`k${i}`)}`));
  const where = after ? sql`${keyNotNull("c", child.columns)} AND ${keyAfter("c", child.columns, after)}` : keyNotNull("c", child.columns);
  return sql`SELECT ${aliased}, count(*) AS n
FROM ${tableId(child)} AS c
WHERE ${where}
GROUP BY ${orderBy("c", child.columns)}
ORDER BY ${orderBy("c", child.columns)}
LIMIT ${limit}`;
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
  const arrays = parent.columns.map((_, i) => sql`CAST(${keys.map((k) => (k[i] == null ? null : String(k[i])))} AS text[])`);
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

