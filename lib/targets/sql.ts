import { sql, type RawBuilder } from "kysely";
import type { ColumnsRef, ForeignKeyToAdd, KeyRange, ParentSoftDelete, SameTargetOrphanQuery, TableRef } from "./types";

// Dialect-neutral fragments. Identifiers always go through sql.id / sql.ref, which the
// dialect's query compiler quotes (doubling any embedded quote); values are bound.

export function tableId(t: TableRef): RawBuilder<unknown> {
  return sql.id(t.schema, t.table);
}

export function col(alias: string, column: string): RawBuilder<unknown> {
  return sql.id(alias, column);
}

/** Unqualified column names, for DDL. */
export function columnNames(columns: string[]): RawBuilder<unknown> {
  return sql.join(columns.map((c) => sql.id(c)));
}

/** `a.k1 = b.k1 AND a.k2 = b.k2` */
export function keysEqual(a: string, aCols: string[], b: string, bCols: string[]): RawBuilder<unknown> {
  return sql.join(
    aCols.map((c, i) => sql`${col(a, c)} = ${col(b, bCols[i])}`),
    sql` AND `,
  );
}

/** `a.k1 IS NOT NULL AND a.k2 IS NOT NULL`: SQL FK semantics, a key with any NULL references nothing. */
export function keyNotNull(alias: string, columns: string[]): RawBuilder<unknown> {
  return sql.join(
    columns.map((c) => sql`${col(alias, c)} IS NOT NULL`),
    sql` AND `,
  );
}

/**
 * Keyset predicate "key > after", expanded so every engine can use a range on the
 * leading index column: (k1 > a) OR (k1 = a AND k2 > b) …
 */
export function keyAfter(alias: string, columns: string[], after: unknown[]): RawBuilder<unknown> {
  const branches = columns.map((c, i) => {
    const eqs = columns.slice(0, i).map((p, j) => sql`${col(alias, p)} = ${after[j]}`);
    return sql.join([...eqs, sql`${col(alias, c)} > ${after[i]}`], sql` AND `);
  });
  return branches.length === 1
    ? branches[0]
    : sql`(${sql.join(
        branches.map((b) => sql`(${b})`),
        sql` OR `,
      )})`;
}

/**
 * Keyset predicate "key <= upTo", expanded like keyAfter: (k1 < a) OR (k1 = a AND k2 <= b) …
 * The column stands on the left of every comparison, so the bound value takes the
 * column's type and collation, as ORDER BY the columns does.
 */
export function keyAtMost(alias: string, columns: string[], upTo: unknown[]): RawBuilder<unknown> {
  const last = columns.length - 1;
  const branches = columns.map((c, i) => {
    const eqs = columns.slice(0, i).map((p, j) => sql`${col(alias, p)} = ${upTo[j]}`);
    return sql.join([...eqs, i === last ? sql`${col(alias, c)} <= ${upTo[i]}` : sql`${col(alias, c)} < ${upTo[i]}`], sql` AND `);
  });
  return branches.length === 1
    ? branches[0]
    : sql`(${sql.join(
        branches.map((b) => sql`(${b})`),
        sql` OR `,
      )})`;
}

/**
 * The rows of a key range (after `from`, up to `to`): `1 = 1` for a range open at both ends.
 * A key of several columns also bounds its leading column on its own (`k1 >= a`, `k1 <=
 * a'`), which the OR of the expanded comparison hides from the planner: without it
 * PostgreSQL read a composite primary key from its start for every range (1M rows, a range
 * 100K rows in: 275 ms; with it, 27 ms).
 */
export function inRange(alias: string, range: KeyRange | undefined): RawBuilder<unknown> {
  const several = (range?.columns.length ?? 0) > 1;
  const lead = range ? col(alias, range.columns[0]) : sql``;
  const parts = [
    ...(range?.from && several ? [sql`${lead} >= ${range.from[0]}`] : []),
    ...(range?.from ? [keyAfter(alias, range.columns, range.from)] : []),
    ...(range?.to && several ? [sql`${lead} <= ${range.to[0]}`] : []),
    ...(range?.to ? [keyAtMost(alias, range.columns, range.to)] : []),
  ];
  return parts.length ? sql.join(parts, sql` AND `) : sql`1 = 1`;
}

/** `AND <range>` after a WHERE, or nothing without a range. */
export function andInRange(alias: string, range: KeyRange | undefined): RawBuilder<unknown> {
  return range?.from || range?.to ? sql` AND ${inRange(alias, range)}` : sql``;
}

/**
 * True when a count's range cuts the child's reference columns rather than its primary
 * key: a bounded range said to be of the reference (`reference`), whose columns are
 * `child.columns` in their order.
 */
export function onReference(q: SameTargetOrphanQuery): boolean {
  const r = q.childRange;
  if (!r?.reference || !(r.from || r.to)) return false;
  if (r.columns.length !== q.child.columns.length || r.columns.some((c, i) => c !== q.child.columns[i])) {
    throw new Error(`a range of the reference (${r.columns.join(", ")}) for a count of other columns (${q.child.columns.join(", ")})`);
  }
  return true;
}

/**
 * The child rows a count's range holds, or null without a range. A range of the reference
 * columns holds only rows whose key is whole: a composite key with one NULL column could
 * otherwise fall inside a range by its leading column, and the rows with a NULL column are
 * counted apart, once, with the range open at its start (Target.countOrphans).
 */
export function childInRange(q: SameTargetOrphanQuery): RawBuilder<unknown> | null {
  if (!q.childRange?.from && !q.childRange?.to) return null;
  return onReference(q) ? sql`${keyNotNull("c", q.child.columns)} AND ${inRange("c", q.childRange)}` : inRange("c", q.childRange);
}

/** `WHERE <child range>` for a statement that had no WHERE, or nothing without a range. */
export function whereChildInRange(q: SameTargetOrphanQuery): RawBuilder<unknown> {
  const range = childInRange(q);
  return range
    ? sql`
WHERE ${range}`
    : sql``;
}

/** `AND <child range>` after a WHERE that already holds the rows with a whole key only (keyNotNull), or nothing without a range. */
export function andChildInRange(q: SameTargetOrphanQuery): RawBuilder<unknown> {
  return andInRange("c", q.childRange);
}

/**
 * `AND <parent key in the same range>` for a range of the reference columns, else nothing.
 * A child key and the parent key it equals fall in the same range, so the bound drops no
 * parent that a child of the range could join: each range reads (and hashes) only its own
 * slice of the parent, by the parent's key index. Only cut so where both sides' columns
 * order alike (integers or uuids of the same family each: lib/detect/ranges.ts, chunkKey).
 */
export function andParentInRange(q: SameTargetOrphanQuery): RawBuilder<unknown> {
  const range = parentInRange(q);
  return range ? sql` AND ${range}` : sql``;
}

function parentInRange(q: SameTargetOrphanQuery): RawBuilder<unknown> | null {
  if (!onReference(q)) return null;
  const { from, to } = q.childRange!;
  return inRange("p", { columns: q.parent.columns, ...(from ? { from } : {}), ...(to ? { to } : {}) });
}

/** The rows of the child that a count's range holds (every row without a range), as `n`. */
export function childRowsStatement(q: SameTargetOrphanQuery): RawBuilder<{ n: number | string }> {
  return sql`SELECT count(*) AS n FROM ${tableId(q.child)} AS c${whereChildInRange(q)}`;
}

/** True when a count's range is the one of its reference columns open at its start: the one that counts the rows whose key has a NULL column. */
export function holdsNullKeys(q: SameTargetOrphanQuery): boolean {
  return onReference(q) && !q.childRange!.from;
}

/**
 * The key `offset` rows past `after` in key order (rows with a NULL key column left out),
 * within `upTo`: an index range scan reading offset + 1 entries. Boundaries of a big
 * table's ranges are taken this way in bounded steps, never by an OFFSET from its start.
 */
export function keyAtOffsetStatement(ref: ColumnsRef, after: unknown[] | null, upTo: unknown[] | null, offset: number): RawBuilder<Record<string, unknown>> {
  const aliased = sql.join(ref.columns.map((c, i) => sql`${col("c", c)} AS ${sql.id(`k${i}`)}`));
  const range = inRange("c", { columns: ref.columns, from: after ?? undefined, to: upTo ?? undefined });
  return sql`SELECT ${aliased}
FROM ${tableId(ref)} AS c
WHERE ${keyNotNull("c", ref.columns)} AND ${range}
ORDER BY ${orderBy("c", ref.columns)}
LIMIT 1 OFFSET ${sql.lit(Math.max(0, Math.trunc(offset)))}`;
}

export function orderBy(alias: string, columns: string[]): RawBuilder<unknown> {
  return sql.join(columns.map((c) => col(alias, c)));
}

export function indexName(ref: ColumnsRef): string {
  return `${ref.table}_${ref.columns.join("_")}_idx`.slice(0, 63);
}

/**
 * "The parent row is live": no soft-delete stamp, or one younger than the grace. The
 * stamp compares with a bound timestamp (PostgreSQL, MySQL); SQLite has its own.
 */
export function parentLive(alias: string, sd: ParentSoftDelete | undefined): RawBuilder<unknown> {
  if (!sd) return sql`1 = 1`;
  return sql`(${col(alias, sd.column)} IS NULL OR ${col(alias, sd.column)} >= ${sd.before})`;
}

// Statements whose shape is the same in every dialect (each dialect supplies its own
// "parent is live" predicate where soft deletes differ).

export function countRowsStatement(t: TableRef): RawBuilder<{ n: number | string }> {
  return sql`SELECT count(*) AS n FROM ${tableId(t)}`;
}

/**
 * Rows whose key has a NULL column: the rows a key walk does not see. With the walk's
 * counts they make the child's row count, without a count(*) of the whole table beside
 * the walk (`npm run bench`, 2M rows: MariaDB 131 ms, PostgreSQL 37 ms of CPU the walk
 * and the lookups were short of; this one reads the key index's NULL entries only).
 */
export function countNullKeysStatement(ref: ColumnsRef): RawBuilder<{ n: number | string }> {
  const anyNull = sql.join(
    ref.columns.map((c) => sql`${col("c", c)} IS NULL`),
    sql` OR `,
  );
  return sql`SELECT count(*) AS n FROM ${tableId(ref)} AS c WHERE ${anyNull}`;
}

/** Anti join for parents whose key is not unique; pair it with countRowsStatement for the total. */
export function antiJoinCountStatement(q: SameTargetOrphanQuery, live: RawBuilder<unknown>): RawBuilder<{ orphans: number | string }> {
  const { child, parent } = q;
  return sql`SELECT count(*) AS orphans
FROM ${tableId(child)} AS c
WHERE ${keyNotNull("c", child.columns)}${andChildInRange(q)}
  AND NOT EXISTS (SELECT 1 FROM ${tableId(parent)} AS p
    WHERE ${keysEqual("p", parent.columns, "c", child.columns)} AND ${live}${andParentInRange(q)})`;
}

/** Distinct non-NULL child keys in key order, with their row counts, over the child's key index. */
export function walkKeysStatement(child: ColumnsRef, after: unknown[] | null, limit: number, upTo?: unknown[] | null): RawBuilder<Record<string, unknown>> {
  const aliased = sql.join(child.columns.map((c, i) => sql`${col("c", c)} AS ${sql.id(`k${i}`)}`));
  // a walk to the end keeps its statement as measured; one that ends at a key (a chunk) bounds both ends as a range
  const where = upTo
    ? sql`${keyNotNull("c", child.columns)}${andInRange("c", { columns: child.columns, from: after ?? undefined, to: upTo })}`
    : after
      ? sql`${keyNotNull("c", child.columns)} AND ${keyAfter("c", child.columns, after)}`
      : keyNotNull("c", child.columns);
  return sql`SELECT ${aliased}, count(*) AS n
FROM ${tableId(child)} AS c
WHERE ${where}
GROUP BY ${orderBy("c", child.columns)}
ORDER BY ${orderBy("c", child.columns)}
LIMIT ${sql.lit(Math.trunc(limit))}`;
}

/**
 * A server's same-target count (PostgreSQL, MySQL): the dialect's one-pass join where the
 * parent key is unique, else a row count beside an anti join (the two run at once).
 */
export function serverOrphanCounts(q: SameTargetOrphanQuery, onePass: (q: SameTargetOrphanQuery) => RawBuilder<unknown>): RawBuilder<any>[] {
  return q.parentKeyUnique ? [onePass(q)] : [childRowsStatement(q), antiJoinCountStatement(q, parentLive("p", q.parentSoftDelete))];
}

/** `DELETE FROM table AS alias`, where the dialect reads it (MySQL and MariaDB do not). */
export function deleteFromAliased(table: TableRef, alias: string): RawBuilder<unknown> {
  return sql`DELETE FROM ${tableId(table)} AS ${sql.id(alias)}`;
}

/** Keys as placeholders, for a lookup statement people read. */
export function placeholderKeys(ref: ColumnsRef): string[][] {
  return ref.columns.map(() => ["…"]);
}

/**
 * `CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON table (columns) [WHERE stamp IS [NOT] NULL]`:
 * `partial` makes it the index of a soft-delete table's live (or deleted) rows; SQLite
 * names the schema on the index, the others on the table.
 */
export function createIndexStatement(
  ref: ColumnsRef,
  opts: { concurrently: boolean; schemaOn: "table" | "index"; partial?: { stamp: string; unique: boolean; live: boolean }; suffix?: RawBuilder<unknown> },
): RawBuilder<unknown> {
  const { partial } = opts;
  const name = indexName(partial ? { ...ref, columns: [...ref.columns, partial.live ? "live" : "deleted"] } : ref);
  const [index, table] = opts.schemaOn === "index" ? [sql.id(ref.schema, name), sql.id(ref.table)] : [sql.id(name), tableId(ref)];
  const where = partial ? sql` WHERE ${sql.id(partial.stamp)} IS ${partial.live ? sql`NULL` : sql`NOT NULL`}` : sql``;
  return sql`CREATE ${partial?.unique ? sql`UNIQUE ` : sql``}INDEX ${opts.concurrently ? sql`CONCURRENTLY ` : sql``}${index} ON ${table} (${columnNames(ref.columns)})${where}${opts.suffix ?? sql``}`;
}

const ON_DELETE = { CASCADE: sql`CASCADE`, "SET NULL": sql`SET NULL`, RESTRICT: sql`RESTRICT` } as const;

/**
 * `CONSTRAINT name FOREIGN KEY (cols) REFERENCES parent (cols) ON DELETE action`; SQLite
 * names the parent without its schema (a foreign key never leaves its database there).
 */
export function foreignKeyClause(fk: ForeignKeyToAdd, opts: { parentSchema: boolean }): RawBuilder<unknown> {
  const parent = opts.parentSchema ? tableId(fk.parent) : sql.id(fk.parent.table);
  return sql`CONSTRAINT ${sql.id(fk.name)} FOREIGN KEY (${columnNames(fk.child.columns)}) REFERENCES ${parent} (${columnNames(fk.parent.columns)}) ON DELETE ${ON_DELETE[fk.onDelete]}`;
}
