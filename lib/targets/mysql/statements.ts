import { sql, type RawBuilder } from "kysely";
import type { Statements } from "../dialect";
import { typeFamily } from "../keys";
import {
  col,
  createIndexStatement,
  keyNotNull,
  keysEqual,
  parentLive,
  placeholderKeys,
  serverOrphanCounts,
  tableId,
  andParentInRange,
  whereChildInRange,
} from "../sql";
import type { ColumnsRef, ParentSoftDelete, SameTargetOrphanQuery } from "../types";
import type { MysqlIntrospector } from "./introspector";

// MySQL 8 rewrites NOT EXISTS into an antijoin; MariaDB does not, and runs
// LEFT JOIN … IS NULL as eq_ref lookups on the parent key over a covering scan of the
// child's key index, with its "Not exists" shortcut. `npm run bench` (MariaDB 10.11,
// 2M/200K rows, medians of 7, 2026-11-24): LEFT JOIN … IS NULL 358 ms, NOT EXISTS
// 420 ms. With the child rows too: one LEFT JOIN counting both, COUNT(c.k) - COUNT(p.k),
// 368 ms (SUM(…) of a condition 413 ms); the LEFT JOIN … IS NULL with a COUNT(*) beside it
// on a second connection 359 ms on an idle machine, but 1.44× the LEFT JOIN alone when
// the machine was busy, where the one pass was 1.10×: it needs one core and one
// connection, so it is the shape here. A constant `AND 1 = 1` in the ON clause (no
// soft-delete rule) cost 376 ms against 358 ms: the ON clause carries none.

/**
 * One pass over the child counting every row and the orphans: the rows with a full key
 * (COUNT of the key, or of a CASE for several columns) less those that found a parent.
 * Only valid when the parent key is unique (a duplicate parent would double rows).
 */
export function orphanCountOnePass(q: SameTargetOrphanQuery): RawBuilder<{ orphans: string; child_rows: string }> {
  const { child, parent } = q;
  const live = q.parentSoftDelete ? sql` AND ${parentLive("p", q.parentSoftDelete)}` : sql``;
  const withKey = child.columns.length === 1 ? sql`COUNT(${col("c", child.columns[0])})` : sql`COUNT(CASE WHEN ${keyNotNull("c", child.columns)} THEN 1 END)`;
  return sql`SELECT COUNT(*) AS child_rows, ${withKey} - COUNT(${col("p", parent.columns[0])}) AS orphans
FROM ${tableId(child)} AS c
LEFT JOIN ${tableId(parent)} AS p ON ${keysEqual("p", parent.columns, "c", child.columns)}${live}${andParentInRange(q)}${whereChildInRange(q)}`;
}

// Column declarations come from information_schema (COLUMN_TYPE, charset, collation),
// never from the user; still, only plain spellings are spliced into a JSON_TABLE.
const DECLARATION = /^[a-z]+( ?\(\d+(,\d+)?\))?( unsigned)?( zerofill)?( CHARACTER SET [a-z0-9_]+ COLLATE [a-z0-9_]+)?$/;

export function jsonTableDeclarable(types: string[]): boolean {
  return types.every((t) => DECLARATION.test(t));
}

/**
 * Keys travel as one JSON parameter, unpacked by JSON_TABLE into columns declared like
 * the parent's (type, charset, collation), so the database compares them as it compares
 * its own rows. MariaDB 10.11: 3.6 µs per key, against 17 µs for a UNION ALL derived table.
 */
export function missingKeysJsonTable(
  parent: ColumnsRef,
  declarations: string[],
  keys: unknown[][],
  softDelete?: ParentSoftDelete,
): RawBuilder<{ ord: number }> {
  const single = parent.columns.length === 1;
  const json = single
    ? (typeFamily(declarations[0]) === "integer" && integerJson(keys[0])) || jsonArray(keys[0])
    : JSON.stringify(keys[0].map((_, i) => keys.map((column) => jsonValue(column[i]))));
  const columns = sql.join(parent.columns.map((_, i) => sql`${sql.id(`k${i}`)} ${sql.raw(declarations[i])} PATH ${sql.lit(single ? "$" : `$[${i}]`)}`));
  const match = sql.join(
    parent.columns.map((c, i) => sql`${col("p", c)} = ${col("x", `k${i}`)}`),
    sql` AND `,
  );
  return sql`SELECT x.ord FROM JSON_TABLE(${json}, '$[*]' COLUMNS (ord FOR ORDINALITY, ${columns})) AS x
WHERE NOT EXISTS (SELECT 1 FROM ${tableId(parent)} AS p WHERE ${match} AND ${parentLive("p", softDelete)})`;
}

/**
 * Integer keys for an integer column as JSON numbers ('[1,2,3]'), or null when one is
 * not an integer in canonical form. JSON_TABLE reads a number's digits exactly (checked
 * beyond 2^53 and at 2^64 − 1), and it reads numbers faster than strings: all 218K keys
 * of `npm run bench`, 5K per lookup, 194 ms against 219 ms.
 */
function integerJson(values: unknown[]): string | null {
  for (const v of values) {
    if (!(typeof v === "number" ? Number.isSafeInteger(v) : typeof v === "bigint" || (typeof v === "string" && CANONICAL_INTEGER.test(v)))) return null;
  }
  return `[${values.join(",")}]`;
}

const CANONICAL_INTEGER = /^-?(0|[1-9]\d{0,19})$/;

/** A column of keys as a JSON array; strings and finite numbers (the usual keys) as they are. */
function jsonArray(values: unknown[]): string {
  for (const v of values) {
    if (typeof v !== "string" && !(typeof v === "number" && Number.isFinite(v))) return JSON.stringify(values.map(jsonValue));
  }
  return JSON.stringify(values);
}

function jsonValue(v: unknown): unknown {
  if (typeof v === "bigint") return String(v);
  if (v instanceof Date) return v.toISOString().replace("T", " ").replace("Z", "");
  if (Buffer.isBuffer(v)) return v.toString("hex");
  return v;
}

/**
 * Fallback for servers without JSON_TABLE: keys bound into a UNION ALL derived table
 * (portable across MySQL and MariaDB, whose VALUES syntaxes differ), each cast to the
 * parent's integer type where it has one so the lookup compares integers, not doubles.
 */
export function missingKeysUnion(parent: ColumnsRef, parentTypes: string[], keys: unknown[][], softDelete?: ParentSoftDelete): RawBuilder<{ ord: number }> {
  const cast = (v: unknown, i: number) => {
    const t = parentTypes[i]?.toLowerCase() ?? "";
    if (/^(tiny|small|medium|big)?int\b.*unsigned/.test(t)) return sql`CAST(${v} AS UNSIGNED)`;
    if (/^(tiny|small|medium|big)?int\b/.test(t)) return sql`CAST(${v} AS SIGNED)`;
    return sql`${v}`;
  };
  const rows = keys[0].map((_, r) => {
    const values = keys.map((column, i) => (r === 0 ? sql`${cast(column[r], i)} AS ${sql.id(`k${i}`)}` : cast(column[r], i)));
    return sql`SELECT ${r === 0 ? sql`${sql.lit(r + 1)} AS ord` : sql.lit(r + 1)}, ${sql.join(values)}`;
  });
  const match = sql.join(
    parent.columns.map((c, i) => sql`${col("p", c)} = ${col("x", `k${i}`)}`),
    sql` AND `,
  );
  return sql`SELECT x.ord FROM (${sql.join(rows, sql` UNION ALL `)}) AS x
WHERE NOT EXISTS (SELECT 1 FROM ${tableId(parent)} AS p WHERE ${match} AND ${parentLive("p", softDelete)})`;
}

/** MySQL 8 and MariaDB 10.x statements, the catalog facts they depend on read through `catalog`. */
export function createMysqlStatements(catalog: MysqlIntrospector): Statements {
  return {
    orphanCounts: async (q) => serverOrphanCounts(q, orphanCountOnePass),
    // No packed walk here: one GROUP_CONCAT of "key,count" per page (derived table, then
    // the concatenation) took 244 ms against 213–239 ms a row per key (`npm run bench`,
    // MariaDB 10.11, 218K keys in 20K-key pages): the server's GROUP BY is the cost.
    packedWalk: async () => null,
    async lookup(parent, softDelete) {
      const [types, jsonTable] = [await catalog.declarations(parent), await catalog.jsonTable()];
      const batch = (keys: unknown[][]) =>
        jsonTable && jsonTableDeclarable(types) ? missingKeysJsonTable(parent, types, keys, softDelete) : missingKeysUnion(parent, types, keys, softDelete);
      return { batch, shown: batch(placeholderKeys(parent)) };
    },
    parentLive,
    /** MariaDB's single-table DELETE takes no alias: the multi-table form does, and still deletes from the one table. */
    deleteFromAliased: (table, alias) => sql`DELETE ${sql.id(alias)} FROM ${tableId(table)} AS ${sql.id(alias)}`,
    createIndex: (ref) => createIndexStatement(ref, { concurrently: false, schemaOn: "table", suffix: sql` ALGORITHM=INPLACE LOCK=NONE` }),
    partialIndex: () => null,
    /** InnoDB's estimate (ANALYZE TABLE refreshes it). */
    estimateRows: (t) => sql`SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${t.schema} AND TABLE_NAME = ${t.table}`,
    /**
     * MariaDB bounds one statement in its own text (`SET STATEMENT max_statement_time = s
     * FOR …`, seconds with a fraction); MySQL by a hint on a top-level SELECT, which wraps
     * the statement as a derived table (the hint's timer covers all of it).
     */
    async bounded(statement, ms) {
      if (await catalog.mariadb())
        // a number of our own making (seconds to the ms): MariaDB refuses a quoted one
        return { statement: sql`SET STATEMENT max_statement_time = ${sql.raw((Math.max(1, Math.trunc(ms)) / 1000).toFixed(3))} FOR ${statement}`, limits: [] };
      return { statement: sql`SELECT /*+ MAX_EXECUTION_TIME(${sql.lit(Math.max(1, Math.trunc(ms)))}) */ * FROM (${statement}) AS bounded`, limits: [] };
    },
    /**
     * InnoDB's lock wait, the part of a batch that can hang; the batch's own statements are
     * keyed on primary keys and bounded by the batch size. (Session-wide on this pooled
     * connection: it only ever shortens waits for locks, which scans do not take.)
     */
    timeouts: (ms) => [sql`SET SESSION innodb_lock_wait_timeout = ${sql.lit(Math.max(1, Math.ceil(ms / 1000)))}`],
  };
}
