import { sql, type RawBuilder } from "kysely";
import { col, keyNotNull, keysEqual, tableId } from "../sql";
import type { ColumnsRef, ParentSoftDelete, SameTargetOrphanQuery, TableRef } from "../types";

// SQLite has nested loops only. NOT EXISTS stays a correlated subquery (5.2 s for 10M/1M
// rows in PERFORMANCE.md). `npm run bench` (2M/200K, INTEGER PRIMARY KEY parent):
// LEFT JOIN … IS NULL 186 ms, NOT IN 649 ms, NOT EXISTS 770 ms; counting every row in the
// same pass costs +100 ms (an aggregate per row) where a separate count(*) costs 11 ms.
// So: count(*) beside a join probing the parent's key when it is unique, else NOT IN
// (built once into an ephemeral index; NULL-safe because both sides filter NULL keys).

/**
 * Soft-delete stamps may be ISO text or unix seconds: julianday(…, 'auto') reads both.
 * A stamp it cannot read (millisecond epochs, free text) counts as live: an unreadable
 * date must never turn a parent's children into orphans.
 */
function parentLive(alias: string, sd: ParentSoftDelete | undefined): RawBuilder<unknown> {
  if (!sd) return sql`1`;
  const stamp = sql`julianday(${col(alias, sd.column)}, 'auto')`;
  return sql`(${col(alias, sd.column)} IS NULL OR ${stamp} IS NULL OR ${stamp} >= julianday(${sd.before.toISOString()}))`;
}

function tuple(alias: string, columns: string[]): RawBuilder<unknown> {
  const list = sql.join(columns.map((c) => col(alias, c)));
  return columns.length === 1 ? list : sql`(${list})`;
}

/** Anti join probing the parent's unique key for each child row. */
export function orphanCountJoin(q: SameTargetOrphanQuery): RawBuilder<{ orphans: number }> {
  const { child, parent } = q;
  return sql`SELECT count(*) AS orphans
FROM ${tableId(child)} AS c
LEFT JOIN ${tableId(parent)} AS p ON ${keysEqual("p", parent.columns, "c", child.columns)} AND ${parentLive("p", q.parentSoftDelete)}
WHERE ${col("p", parent.columns[0])} IS NULL AND ${keyNotNull("c", child.columns)}`;
}

/** For a parent key that is not unique (a join would count a child once per duplicate). */
export function orphanCountNotIn(q: SameTargetOrphanQuery): RawBuilder<{ orphans: number }> {
  const { child, parent } = q;
  return sql`SELECT count(*) AS orphans
FROM ${tableId(child)} AS c
WHERE ${keyNotNull("c", child.columns)} AND ${tuple("c", child.columns)} NOT IN (
  SELECT ${sql.join(parent.columns.map((c) => col("p", c)))} FROM ${tableId(parent)} AS p
  WHERE ${keyNotNull("p", parent.columns)} AND ${parentLive("p", q.parentSoftDelete)})`;
}

/**
 * Keys travel as one JSON parameter read by json_each: a statement of constant size,
 * cheap to prepare. Bound VALUES rows cost a fresh 10K-parameter statement per batch,
 * ~7× slower in `npm run bench`. The correlated lookup uses the parent's key index.
 */
export function missingKeys(parent: ColumnsRef, keys: unknown[][], softDelete?: ParentSoftDelete): RawBuilder<{ ord: number }> {
  const single = parent.columns.length === 1;
  const json = JSON.stringify(keys.map((k) => (single ? jsonValue(k[0]) : k.map(jsonValue))));
  const match = sql.join(
    parent.columns.map((c, i) => sql`${col("p", c)} = ${single ? sql`x.value` : sql`(x.value ->> ${sql.lit(i)})`}`),
    sql` AND `,
  );
  return sql`SELECT x.key + 1 AS ord FROM json_each(${json}) AS x
WHERE NOT EXISTS (SELECT 1 FROM ${tableId(parent)} AS p WHERE ${match} AND ${parentLive("p", softDelete)})`;
}

/** JSON has no bigint: pass big integers (and everything non-JSON) as their text. */
function jsonValue(v: unknown): unknown {
  if (typeof v === "bigint" || v instanceof Date || Buffer.isBuffer(v)) return String(v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? v.toString("hex") : v);
  return v;
}
