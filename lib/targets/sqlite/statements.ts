import { sql, type RawBuilder } from "kysely";
import type { Statements } from "../dialect";
import { packedPage } from "../page";
import {
  andChildInRange,
  andParentInRange,
  childRowsStatement,
  col,
  countRowsStatement,
  createIndexStatement,
  deleteFromAliased,
  keyNotNull,
  keysEqual,
  placeholderKeys,
  tableId,
  walkKeysStatement,
} from "../sql";
import type { ColumnsRef, ParentSoftDelete, SameTargetOrphanQuery } from "../types";
import { SCHEMA, type SqliteIntrospector } from "./introspector";

// SQLite has nested loops only. NOT EXISTS stays a correlated subquery (5.2 s for 10M/1M
// rows in docs/architecture.md). `npm run bench` (2M/200K, INTEGER PRIMARY KEY parent, SQLite
// 3.53 as bundled by better-sqlite3): NOT IN over the parent's rowid 69 ms, LEFT JOIN …
// IS NULL 73 ms, NOT IN with the parent side NULL-filtered 253 ms (the filter makes it
// build an ephemeral index of the parent keys), NOT EXISTS 285 ms. Counting every row in
// the same pass costs +28 ms (an aggregate per row) where a separate count(*) costs 8 ms.
// So: count(*) beside the anti join; NOT IN straight onto the rowid when the parent key is
// the table's rowid (never NULL), else a join probing the parent's key when it is unique,
// else NOT IN (NULL-safe because both sides filter NULL keys).

/**
 * Soft-delete stamps may be ISO text or unix seconds: julianday(…, 'auto') reads both.
 * A stamp it cannot read (millisecond epochs, free text) counts as live: an unreadable
 * date must never turn a parent's children into orphans.
 */
export function parentLive(alias: string, sd: ParentSoftDelete | undefined): RawBuilder<unknown> {
  if (!sd) return sql`1`;
  const stamp = sql`julianday(${col(alias, sd.column)}, 'auto')`;
  return sql`(${col(alias, sd.column)} IS NULL OR ${stamp} IS NULL OR ${stamp} >= julianday(${sd.before.toISOString()}))`;
}

/**
 * `AND <live>`, or nothing without a soft-delete rule: SQLite evaluates a constant `AND 1`
 * in a join's ON clause for every row (LEFT JOIN anti join 81 ms with it, 73 ms without,
 * `npm run bench`).
 */
function andLive(alias: string, sd: ParentSoftDelete | undefined): RawBuilder<unknown> {
  return sd ? sql` AND ${parentLive(alias, sd)}` : sql``;
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
LEFT JOIN ${tableId(parent)} AS p ON ${keysEqual("p", parent.columns, "c", child.columns)}${andLive("p", q.parentSoftDelete)}${andParentInRange(q)}
WHERE ${col("p", parent.columns[0])} IS NULL AND ${keyNotNull("c", child.columns)}${andChildInRange(q)}`;
}

/**
 * For a parent key that is the parent table's rowid (a lone INTEGER PRIMARY KEY, which can
 * never be NULL, so NULLs cannot fool this NOT IN), with no soft-delete rule: SQLite
 * searches the rowid directly for each child key (69 ms vs 73 ms for the LEFT JOIN,
 * `npm run bench`). A NULL filter on the parent side would cost an ephemeral index (253 ms),
 * and so would a range's bound on the parent's key: a range of the reference columns
 * probes the rowid without it (2M rows in 4 ranges: 468 ms without, 685 ms with).
 */
export function orphanCountNotInRowid(q: SameTargetOrphanQuery): RawBuilder<{ orphans: number }> {
  const { child, parent } = q;
  if (child.columns.length !== 1 || parent.columns.length !== 1 || q.parentSoftDelete) {
    throw new Error("orphanCountNotInRowid: one key column onto the parent's rowid, without soft deletes");
  }
  return sql`SELECT count(*) AS orphans
FROM ${tableId(child)} AS c
WHERE ${keyNotNull("c", child.columns)}${andChildInRange(q)} AND ${col("c", child.columns[0])} NOT IN (SELECT ${col("p", parent.columns[0])} FROM ${tableId(parent)} AS p)`;
}

/** For a parent key that is not unique (a join would count a child once per duplicate). */
export function orphanCountNotIn(q: SameTargetOrphanQuery): RawBuilder<{ orphans: number }> {
  const { child, parent } = q;
  return sql`SELECT count(*) AS orphans
FROM ${tableId(child)} AS c
WHERE ${keyNotNull("c", child.columns)}${andChildInRange(q)} AND ${tuple("c", child.columns)} NOT IN (
  SELECT ${sql.join(parent.columns.map((c) => col("p", c)))} FROM ${tableId(parent)} AS p
  WHERE ${keyNotNull("p", parent.columns)} AND ${parentLive("p", q.parentSoftDelete)}${andParentInRange(q)})`;
}

/**
 * A page of a one-column walk as one row: the keys as a JSON array, the counts as a
 * list, and the greatest key in its own type for the next page (max() orders as ORDER BY
 * does). Integers within ±(2^53 − 1) travel as JSON numbers, larger ones as their exact
 * text. JSON cannot hold a BLOB: a page with one is walked by rows instead (`blobs` > 0).
 * `npm run bench` (218K keys in 20K-key pages, medians of 7): 140 ms; 173 ms with every
 * integer as text (JSON.parse makes a string of each); 186–211 ms a row per key.
 */
export function walkKeysPacked(
  child: ColumnsRef,
  after: unknown[] | null,
  limit: number,
  upTo?: unknown[] | null,
): RawBuilder<{ size: number | bigint; row_count: number | bigint | null; last: unknown; blobs: number | bigint | null; keys: string; counts: string | null }> {
  return sql`SELECT count(*) AS size, sum(w.n) AS row_count, max(w.k0) AS last, sum(typeof(w.k0) = 'blob') AS blobs,
  json_group_array(CASE WHEN typeof(w.k0) = 'integer' AND w.k0 BETWEEN -9007199254740991 AND 9007199254740991 THEN w.k0
    WHEN typeof(w.k0) = 'integer' THEN CAST(w.k0 AS TEXT) WHEN typeof(w.k0) = 'blob' THEN NULL ELSE w.k0 END) AS keys,
  group_concat(w.n) AS counts
FROM (${walkKeysStatement(child, after, limit, upTo)}) AS w`;
}

/**
 * Keys travel as one JSON parameter read by json_each: a statement of constant size,
 * cheap to prepare. Bound VALUES rows cost a fresh 10K-parameter statement per batch,
 * ~7× slower in `npm run bench`. The correlated lookup uses the parent's key index.
 * `keys` come column by column (keys[c][i]).
 */
export function missingKeys(parent: ColumnsRef, keys: unknown[][], softDelete?: ParentSoftDelete): RawBuilder<{ ord: number }> {
  const single = parent.columns.length === 1;
  const json = single ? jsonArray(keys[0]) : JSON.stringify(keys[0].map((_, i) => keys.map((column) => jsonValue(column[i]))));
  const match = sql.join(
    parent.columns.map((c, i) => sql`${col("p", c)} = ${single ? sql`x.value` : sql`(x.value ->> ${sql.lit(i)})`}`),
    sql` AND `,
  );
  return sql`SELECT x.key + 1 AS ord FROM json_each(${json}) AS x
WHERE NOT EXISTS (SELECT 1 FROM ${tableId(parent)} AS p WHERE ${match}${andLive("p", softDelete)})`;
}

/** A column of keys as a JSON array; strings and finite numbers (the usual keys) as they are. */
export function jsonArray(values: unknown[]): string {
  for (const v of values) {
    if (typeof v !== "string" && !(typeof v === "number" && Number.isFinite(v))) return JSON.stringify(values.map(jsonValue));
  }
  return JSON.stringify(values);
}

/** JSON has no bigint: pass big integers (and everything non-JSON) as their text. */
function jsonValue(v: unknown): unknown {
  if (typeof v === "bigint" || v instanceof Date || Buffer.isBuffer(v))
    return String(v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? v.toString("hex") : v);
  return v;
}

/** SQLite's statements, the catalog facts they depend on read through `catalog`. */
export function createSqliteStatements(catalog: SqliteIntrospector): Statements {
  return {
    async orphanCounts(query) {
      const { parent, parentSoftDelete } = query;
      const ontoRowid =
        !parentSoftDelete && parent.columns.length === 1 && (await catalog.rowidKeys()).get(parent.table) === parent.columns[0] && parent.schema === SCHEMA;
      const orphans = ontoRowid ? orphanCountNotInRowid(query) : query.parentKeyUnique ? orphanCountJoin(query) : orphanCountNotIn(query);
      // count(*) runs first, the anti join second (in-process, one after the other): 8 ms + 69 ms in `npm run bench`.
      return [childRowsStatement(query), orphans];
    },
    packedWalk: async (child, after, limit, upTo) =>
      child.columns.length !== 1
        ? null
        : {
            statement: walkKeysPacked(child, after, limit, upTo),
            page: (row) => (Number(row.blobs ?? 0) > 0 ? null : packedPage(row, () => JSON.parse(row.keys) as unknown[], limit)),
          },
    async lookup(parent, softDelete) {
      return { batch: (keys) => missingKeys(parent, keys, softDelete), shown: missingKeys(parent, placeholderKeys(parent), softDelete) };
    },
    parentLive,
    deleteFromAliased,
    /** SQLite puts the schema on the index name, not on the table. */
    createIndex: (ref) => createIndexStatement(ref, { concurrently: false, schemaOn: "index" }),
    partialIndex: (ref, stamp, opts) => createIndexStatement(ref, { concurrently: false, schemaOn: "index", partial: { stamp, ...opts } }),
    timeouts: () => [],
    /** One writer holds the whole file: BEGIN IMMEDIATE takes that lock at once, where a plain BEGIN would take it at the first write. */
    beginHoldingWrites: () => sql`BEGIN IMMEDIATE`,
    /** SQLite keeps no estimate unless ANALYZE wrote sqlite_stat1: count(*) reads the smallest index, in this process. */
    estimateRows: (t) => countRowsStatement(t),
    /** better-sqlite3 exposes no interrupt or progress handler: a statement runs to its end (chunks bound it instead). */
    bounded: async (statement) => ({ statement, limits: [] }),
  };
}
