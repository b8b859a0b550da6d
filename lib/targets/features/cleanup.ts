import { sql, type RawBuilder } from "kysely";
import { col, keyAfter, keyNotNull, keysEqual, orderBy, tableId } from "../sql";
import { integerArrayLiteral, jsonKeyList } from "../keys";
import type { ColumnsRef, KeyLists, OrphanProbe, TableRef } from "../types";

// The statements a cleanup sends, dialect-neutral (identifiers quoted by the dialect,
// values bound). docs/architecture.md: find candidates by a keyset walk and re-check each batch
// with a cheap per-candidate probe of the parent (see noLiveParent), never a fresh anti join over the table.

/** `c.a IN (…)` for one column, `(c.a = ? AND c.b = ?) OR …` for several: every dialect reads both. */
export function tuplesMatch(alias: string | null, columns: string[], tuples: unknown[][], keyLists: KeyLists = "parameters"): RawBuilder<unknown> {
  if (tuples.length === 0) return sql`1 = 0`;
  // UPDATE and DELETE name their table bare: their columns go unqualified.
  const ref = (c: string) => (alias ? col(alias, c) : sql.id(c));
  if (columns.length === 1 && keyLists === "array") {
    const values = tuples.map((t) => t[0]);
    return sql`${ref(columns[0])} = ANY(${integerArrayLiteral(values) ?? values})`;
  }
  const json = columns.length === 1 && keyLists === "json" ? jsonKeyList(tuples.map((t) => t[0])) : null;
  if (json !== null) return sql`${ref(columns[0])} IN (SELECT value FROM json_each(${json}))`;
  if (columns.length === 1) return sql`${ref(columns[0])} IN (${sql.join(tuples.map((t) => sql`${t[0]}`))})`;
  return orTree(
    tuples.map(
      (t) =>
        sql`(${sql.join(
          columns.map((c, i) => sql`${ref(c)} = ${t[i]}`),
          sql` AND `,
        )})`,
    ),
  );
}

/**
 * `(a OR b) OR (c OR d)`, balanced: a flat chain of 1,000 ORs is an expression 1,000 deep,
 * which SQLite refuses ("Expression tree is too large (maximum depth 1000)").
 */
function orTree(parts: RawBuilder<unknown>[]): RawBuilder<unknown> {
  if (parts.length === 1) return parts[0];
  const mid = parts.length >> 1;
  return sql`(${orTree(parts.slice(0, mid))} OR ${orTree(parts.slice(mid))})`;
}

/** No live parent for the child row `c`, probed per row through the parent's key index, in the target's way (Target.orphanProbe). */
function noLiveParent(parent: ColumnsRef, child: ColumnsRef, live: RawBuilder<unknown>, probe: OrphanProbe): RawBuilder<unknown> {
  const match = sql`${keysEqual("p", parent.columns, "c", child.columns)} AND ${live}`;
  if (probe === "count") return sql`(SELECT COUNT(*) FROM ${tableId(parent)} AS p WHERE ${match}) = 0`;
  return sql`NOT EXISTS (SELECT 1 FROM ${tableId(parent)} AS p WHERE ${match}${probe === "fenced_not_exists" ? sql` OFFSET 0` : sql``})`;
}

const aliased = (alias: string, columns: string[], prefix: string) => sql.join(columns.map((c, i) => sql`${col(alias, c)} AS ${sql.id(`${prefix}${i}`)}`));
/** RETURNING's columns, as prefix0…: unqualified, since SQLite's RETURNING names the modified table's columns bare. */
const returned = (columns: string[], prefix: string) => sql.join(columns.map((c, i) => sql`${sql.id(c)} AS ${sql.id(`${prefix}${i}`)}`));

/**
 * Orphan candidates inside one target, in primary-key order after `after`: the walk
 * follows the PK index and probes the parent's key index per row (a nested-loop anti
 * join bounded by LIMIT), so a batch costs about `limit` probes.
 * With `stretch`, only among the next `stretch` rows of the child (rows whose primary key has
 * a NULL column left out: no statement can address them by it): the walk then stops after
 * `limit` candidates or `stretch` rows, whichever comes first, so its time is bounded by the
 * rows it looks at, not by the orphans it finds.
 */
export function sameTargetCandidates(
  child: ColumnsRef,
  pk: string[],
  parent: ColumnsRef,
  live: RawBuilder<unknown>,
  after: unknown[] | null,
  limit: number,
  probe: OrphanProbe = "not_exists",
  stretch?: number,
): RawBuilder<Record<string, unknown>> {
  const rows =
    stretch === undefined
      ? sql`${tableId(child)} AS c
WHERE ${after ? sql`${keyAfter("c", pk, after)} AND ` : sql``}`
      : sql`(
  SELECT ${sql.join([...new Set([...pk, ...child.columns])].map((c) => col("s", c)))} FROM ${tableId(child)} AS s
  WHERE ${after ? sql`${keyAfter("s", pk, after)} AND ` : sql``}${keyNotNull("s", pk)}
  ORDER BY ${orderBy("s", pk)}
  LIMIT ${sql.lit(Math.trunc(stretch))}
) AS c
WHERE `;
  return sql`SELECT ${aliased("c", pk, "p")}, ${aliased("c", child.columns, "k")}
FROM ${rows}${keyNotNull("c", child.columns)}
  AND ${noLiveParent(parent, child, live, probe)}
ORDER BY ${orderBy("c", pk)}
LIMIT ${sql.lit(Math.trunc(limit))}`;
}

/** A stretch of the child in primary-key order (across targets the parent is asked separately). */
export function childStretch(child: ColumnsRef, pk: string[], after: unknown[] | null, limit: number): RawBuilder<Record<string, unknown>> {
  return sql`SELECT ${aliased("c", pk, "p")}, ${aliased("c", child.columns, "k")}
FROM ${tableId(child)} AS c
${after ? sql`WHERE ${keyAfter("c", pk, after)}` : sql``}
ORDER BY ${orderBy("c", pk)}
LIMIT ${sql.lit(Math.trunc(limit))}`;
}

/**
 * The batch's rows that still have no live parent (inside one target: a parent that came
 * back saves its children), found by primary key and locked until the transaction ends
 * where the dialect has row locks. The caller keeps only those whose child key is still
 * the one the batch saw (a row re-pointed meanwhile is left alone): the rows come back
 * locked, so that comparison holds until the transaction ends. Matching by primary key
 * alone keeps this an index lookup of `IN (…)` (docs/architecture.md: a cheap probe per
 * candidate), where matching (pk, key) pairs took a 1,000-term OR.
 */
export function lockStillOrphans(opts: {
  child: ColumnsRef;
  pk: string[];
  rows: { pk: unknown[]; key: unknown[] }[];
  parent?: { ref: ColumnsRef; live: RawBuilder<unknown>; probe?: OrphanProbe };
  forUpdate: boolean;
  /** Target.keyLists */
  keyLists?: KeyLists;
}): RawBuilder<Record<string, unknown>> {
  const { child, pk, rows, parent } = opts;
  const match = tuplesMatch(
    "c",
    pk,
    rows.map((r) => r.pk),
    opts.keyLists,
  );
  const orphan = parent ? sql` AND ${noLiveParent(parent.ref, child, parent.live, parent.probe ?? "not_exists")}` : sql``;
  return sql`SELECT ${aliased("c", pk, "__pk")}, ${aliased("c", child.columns, "__key")}, c.* FROM ${tableId(child)} AS c WHERE ${match}${orphan}${opts.forUpdate ? sql` FOR UPDATE` : sql``}`;
}

/**
 * In one statement, deletes the batch's rows that are still orphans: found by primary key,
 * their key still one of the keys the batch found eligible (a row re-pointed to a key that
 * was not is left alone; one re-pointed to another eligible key is an orphan of that key),
 * and, inside one target, still without a live parent. What lockStillOrphans and deleteByPk
 * do in two round trips and a transfer of whole rows, for a plain delete with nothing below
 * the child (nothing to archive, no dependents to read).
 * `head` is the target's deleteFromAliased(child, "c").
 *
 * With `returning` (per Target.deleteReturning) the keys are not matched in SQL: the deleted
 * rows come back with their primary key as p0… and their key as k0…, for the caller to
 * compare with the batch's inside the same transaction (lib/cleanup/direct-delete.ts).
 */
export function deleteStillOrphans(
  head: RawBuilder<unknown>,
  opts: {
    child: ColumnsRef;
    pk: string[];
    rows: { pk: unknown[]; key: unknown[] }[];
    parent?: { ref: ColumnsRef; live: RawBuilder<unknown>; probe?: OrphanProbe };
    /** Target.keyLists */
    keyLists?: KeyLists;
    returning?: boolean;
  },
): RawBuilder<Record<string, unknown>> {
  const { child, pk, rows, parent, keyLists } = opts;
  const orphan = parent ? sql` AND ${noLiveParent(parent.ref, child, parent.live, parent.probe ?? "not_exists")}` : sql``;
  const byPk = tuplesMatch(
    "c",
    pk,
    rows.map((r) => r.pk),
    keyLists,
  );
  if (opts.returning) {
    return sql`${head} WHERE ${byPk}${orphan} RETURNING ${returned(pk, "p")}, ${returned(child.columns, "k")}`;
  }
  // Each key once; a lone value as itself (a batch's rows mostly share a few keys, or none).
  const keys = new Map(rows.map((r) => [r.key.length === 1 ? String(r.key[0]) : JSON.stringify(r.key.map(String)), r.key]));
  return sql`${head} WHERE ${byPk} AND ${tuplesMatch("c", child.columns, [...keys.values()], keyLists)}${orphan}`;
}

/**
 * Rows of a table whose columns hold one of `tuples` (a dependent's rows referencing the
 * rows being removed), with their primary key as __pk0… (SQLite's rowid is not in `*`).
 */
export function rowsReferencing(
  table: TableRef,
  pk: string[],
  columns: string[],
  tuples: unknown[][],
  forUpdate: boolean,
): RawBuilder<Record<string, unknown>> {
  return sql`SELECT ${aliased("c", pk, "__pk")}, c.* FROM ${tableId(table)} AS c WHERE ${tuplesMatch("c", columns, tuples)}${forUpdate ? sql` FOR UPDATE` : sql``}`;
}

/** Full rows by primary key, with the key as __pk0… */
export function rowsByPk(table: TableRef, pk: string[], pks: unknown[][]): RawBuilder<Record<string, unknown>> {
  return sql`SELECT ${aliased("c", pk, "__pk")}, c.* FROM ${tableId(table)} AS c WHERE ${tuplesMatch("c", pk, pks)}`;
}

export function deleteByPk(table: TableRef, pk: string[], pks: unknown[][], keyLists: KeyLists = "parameters"): RawBuilder<unknown> {
  return sql`DELETE FROM ${tableId(table)} WHERE ${tuplesMatch(null, pk, pks, keyLists)}`;
}

/** deleteByPk handing back the primary key of each row it deleted, as p0… (SQLite, PostgreSQL). */
export function deleteByPkReturning(table: TableRef, pk: string[], pks: unknown[][], keyLists: KeyLists): RawBuilder<Record<string, unknown>> {
  return sql`${deleteByPk(table, pk, pks, keyLists)} RETURNING ${returned(pk, "p")}`;
}

export function nullColumnsByPk(table: TableRef, pk: string[], pks: unknown[][], columns: string[]): RawBuilder<unknown> {
  return sql`UPDATE ${tableId(table)} SET ${sql.join(columns.map((c) => sql`${sql.id(c)} = NULL`))} WHERE ${tuplesMatch(null, pk, pks)}`;
}

/** Which of these primary keys still have a row (reconciling a batch interrupted mid-way). */
export function existingPks(table: TableRef, pk: string[], pks: unknown[][], keyColumns: string[]): RawBuilder<Record<string, unknown>> {
  return sql`SELECT ${aliased("c", pk, "p")}, ${aliased("c", keyColumns, "k")} FROM ${tableId(table)} AS c WHERE ${tuplesMatch("c", pk, pks)}`;
}

/** Puts an archived row back: every column it had, values bound. */
export function insertRow(table: TableRef, row: Record<string, unknown>): RawBuilder<unknown> {
  const columns = Object.keys(row);
  return sql`INSERT INTO ${tableId(table)} (${sql.join(columns.map((c) => sql.id(c)))}) VALUES (${sql.join(columns.map((c) => sql`${row[c]}`))})`;
}
