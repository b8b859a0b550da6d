import { sql, type RawBuilder } from "kysely";
import { columnsOf } from "../catalog";
import type { Statements } from "../dialect";
import { integerArrayLiteral, integerBounds, normaliseValue, typeFamily } from "../keys";
import { packedPage } from "../page";
import {
  col,
  createIndexStatement,
  deleteFromAliased,
  keyNotNull,
  keysEqual,
  parentLive,
  placeholderKeys,
  serverOrphanCounts,
  tableId,
  walkKeysStatement,
  andParentInRange,
  whereChildInRange,
} from "../sql";
import type { ColumnsRef, ParentSoftDelete, SameTargetOrphanQuery } from "../types";
import type { PostgresIntrospector } from "./introspector";

// PostgreSQL and PGlite statements. Measured on PG 15 (docs/architecture.md and `npm run bench`):
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
LEFT JOIN ${tableId(parent)} AS p ON ${keysEqual("p", parent.columns, "c", child.columns)} AND ${parentLive("p", q.parentSoftDelete)}${andParentInRange(q)}${whereChildInRange(q)}`;
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
 * (an array is one parameter, whatever the count) and are cast to the parent's types.
 * `keys` come column by column (keys[c][i]).
 *
 * `bounds`, for a one-column integer key, are the least and greatest key of the batch
 * (compared as integers in Node, whatever order the child walked them in): a redundant
 * `BETWEEN` that lets the planner range-scan the parent's index once and hash (or merge)
 * anti join the batch against it, instead of probing the index once per key. `npm run
 * bench`, 218K keys in 5K batches: 101 ms with the range, 195 ms probing per key.
 *
 * The missing positions come back as one list (string_agg), not a row each: a batch of
 * orphans is 5K rows for the driver to parse on the thread that also walks the child.
 * SQLite→PostgreSQL, medians of 7: 229 ms against 261 ms.
 */
export function missingKeys(
  parent: ColumnsRef,
  parentTypes: string[],
  keys: unknown[][],
  softDelete?: ParentSoftDelete,
  bounds?: [string, string] | null,
  /** The positions of keys that do have a live parent instead (a cleanup's re-check: mostly none). */
  present = false,
): RawBuilder<{ ords: string | null }> {
  const arrays = parent.columns.map((_, i) => sql`CAST(${textArray(keys[i])} AS text[])`);
  const names = sql.join(parent.columns.map((_, i) => sql.id(`k${i}`)));
  const textMatch = (c: string, i: number) =>
    !parentTypes[i] || !SAFE_TYPE.test(parentTypes[i])
      ? sql`CAST(${col("p", c)} AS text) = ${col("x", `k${i}`)}`
      : sql`${col("p", c)} = ${castTo(col("x", `k${i}`), parentTypes[i])}`;
  const match = sql.join(parent.columns.map(textMatch), sql` AND `);
  const range =
    bounds && parent.columns.length === 1 && SAFE_TYPE.test(parentTypes[0] ?? "")
      ? sql` AND ${col("p", parent.columns[0])} BETWEEN ${castTo(sql`${bounds[0]}`, parentTypes[0])} AND ${castTo(sql`${bounds[1]}`, parentTypes[0])}`
      : sql``;
  return sql`SELECT string_agg(CAST(x.ord AS text), ',') AS ords
FROM unnest(${sql.join(arrays)}) WITH ORDINALITY AS x(${names}, ord)
WHERE ${present ? sql`EXISTS` : sql`NOT EXISTS`} (SELECT 1 FROM ${tableId(parent)} AS p WHERE ${match}${range} AND ${parentLive("p", softDelete)})`;
}

/**
 * A column of keys as a text[] parameter. Integers travel as the array literal itself
 * ('{1,2,3}', no element needs quoting), which saves pg quoting every element (16 ms of
 * 218K keys); anything else as text (dates as ISO, bytes as bytea's \x hex input).
 */
export function textArray(values: unknown[]): string | (string | null)[] {
  return integerArrayLiteral(values) ?? values.map((v) => (v == null ? null : normaliseValue(v)));
}

/**
 * A page of a one-column integer or text walk as one row: keys and counts as lists
 * (string_agg for integers, which hold no comma; json_agg, exact for any text, for text)
 * and the greatest key for the next page (max() orders as the walk's ORDER BY does).
 * Both aggregates read the same rows in the same order, so the i-th count belongs to the
 * i-th key. `npm run bench` (218K keys in 20K-key pages, medians of 7): 139 ms, against
 * 168 ms a row per key; reading the page twice from a CTE instead of max() (uuid has no
 * max) cost 172 ms, so uuid keys are walked by rows.
 */
export function walkKeysPacked(
  child: ColumnsRef,
  after: unknown[] | null,
  limit: number,
  as: "list" | "json",
  upTo?: unknown[] | null,
): RawBuilder<{ size: string; row_count: string | null; last: unknown; keys: string | string[] | null; counts: string | null }> {
  const keys = as === "json" ? sql`json_agg(w.k0)` : sql`string_agg(CAST(w.k0 AS text), ',')`;
  return sql`SELECT count(*) AS size, sum(w.n) AS row_count, max(w.k0) AS last, ${keys} AS keys, string_agg(CAST(w.n AS text), ',') AS counts
FROM (${walkKeysStatement(child, after, limit, upTo)}) AS w`;
}

/** PostgreSQL's statements (PGlite's too), the catalog facts they depend on read through `catalog`. */
export function createPostgresStatements(catalog: PostgresIntrospector): Statements {
  return {
    orphanCounts: async (q) => serverOrphanCounts(q, orphanCountOnePass),
    async packedWalk(child, after, limit, upTo) {
      if (child.columns.length !== 1) return null;
      const [column] = columnsOf(await catalog.columns(), child);
      const family = column?.dataType ? typeFamily(column.dataType) : "other";
      if (family !== "integer" && family !== "text") return null;
      return {
        statement: walkKeysPacked(child, after, limit, family === "text" ? "json" : "list", upTo),
        // (pg parses a json column itself)
        page: (row) => packedPage(row, () => (typeof row.keys === "string" ? row.keys.split(",") : (row.keys as string[])), limit),
      };
    },
    /** As it runs: a one-column integer lookup carries its batch's least and greatest key. */
    async lookup(parent, softDelete) {
      const types = await catalog.castTypes(parent);
      const integer = parent.columns.length === 1 && !!types[0] && typeFamily(types[0]) === "integer";
      return {
        batch: (keys) => missingKeys(parent, types, keys, softDelete, integer ? integerBounds(keys[0]) : null),
        present: (keys) => missingKeys(parent, types, keys, softDelete, integer ? integerBounds(keys[0]) : null, true),
        shown: missingKeys(parent, types, placeholderKeys(parent), softDelete, integer ? ["…", "…"] : null),
      };
    },
    parentLive,
    deleteFromAliased,
    createIndex: (ref) => createIndexStatement(ref, { concurrently: true, schemaOn: "table" }),
    partialIndex: (ref, stamp, opts) => createIndexStatement(ref, { concurrently: true, schemaOn: "table", partial: { stamp, ...opts } }),
    /** The planner's estimate, kept by ANALYZE and autovacuum (-1 for a table never analysed: no estimate). */
    estimateRows: (t) => sql`SELECT c.reltuples AS n FROM pg_class AS c JOIN pg_namespace AS s ON s.oid = c.relnamespace
WHERE s.nspname = ${t.schema} AND c.relname = ${t.table} AND c.relkind IN ('r', 'p')`,
    /** statement_timeout counts a wait for a lock too; SET LOCAL ends with the statement's own transaction. */
    bounded: async (statement, ms) => ({ statement, limits: [sql`SET LOCAL statement_timeout = ${sql.lit(Math.max(1, Math.trunc(ms)))}`] }),
    /**
     * set_config(…, true) is SET LOCAL: the limits end with the transaction, never leak into
     * the pool's next user. Both in one statement: one round trip of every batch's transaction.
     */
    timeouts: (ms) => [
      sql`SELECT set_config('statement_timeout', ${String(Math.trunc(ms))}, true), set_config('lock_timeout', ${String(Math.trunc(ms))}, true)`,
    ],
  };
}
