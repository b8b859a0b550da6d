import { sql, type RawBuilder } from "kysely";
import { tuplesMatch } from "./cleanup";
import { col, keyAfter, keysEqual, tableId } from "../sql";
import type { ColumnsRef, TableRef } from "../types";

// The statements soft deletes send (gauges, restore, purge), dialect-neutral: identifiers
// quoted by the dialect, values bound. Where soft-delete stamps differ by dialect (SQLite
// keeps text or unix times) the caller passes the target's own "live" predicate.

/** One step down from a table to the rows that reference it: `ref.columns` point at the parent's `referenced`. */
export interface PathLink {
  ref: ColumnsRef;
  referenced: string[];
  /** Restore only: this table's soft-delete column, matched against the subject's stamp. */
  stamp?: string;
  /** Restore in another database: what makes this table's rows part of the subject's cascade (bound values; the subject is not in this database). */
  match?: (alias: string) => RawBuilder<unknown>;
}

/**
 * Where a walk down the references starts: the subject row itself (by primary key), or,
 * in another database, the key values the first link's columns hold.
 */
export type Anchor = { kind: "subject"; table: TableRef; pk: string[]; key: unknown[] } | { kind: "keys"; tuples: unknown[][] };

const alias = (i: number) => `n${i}`;

const aliased = (a: string, columns: string[], prefix: string) => sql.join(columns.map((c, i) => sql`${col(a, c)} AS ${sql.id(`${prefix}${i}`)}`));

function joinsAndWhere(anchor: Anchor, path: PathLink[], sameCascade?: string, extra?: RawBuilder<unknown>): RawBuilder<unknown> {
  const last = path.length - 1;
  const joins: RawBuilder<unknown>[] = [];
  for (let i = last - 1; i >= 0; i--) {
    joins.push(
      sql`JOIN ${tableId(path[i].ref)} AS ${sql.id(alias(i))} ON ${keysEqual(alias(i), path[i + 1].referenced, alias(i + 1), path[i + 1].ref.columns)}`,
    );
  }
  const where: RawBuilder<unknown>[] = [];
  if (anchor.kind === "subject") {
    joins.push(sql`JOIN ${tableId(anchor.table)} AS r ON ${keysEqual("r", path[0].referenced, alias(0), path[0].ref.columns)}`);
    where.push(tuplesMatch("r", anchor.pk, [anchor.key]));
    // Same cascade: every row on the way carries the subject's own stamp (or cascade id),
    // compared inside the database so no precision is lost in transit.
    if (sameCascade) path.forEach((p, i) => p.stamp && where.push(sql`${col(alias(i), p.stamp)} = ${col("r", sameCascade)}`));
  } else {
    where.push(tuplesMatch(alias(0), path[0].ref.columns, anchor.tuples));
  }
  path.forEach((p, i) => p.match && where.push(p.match(alias(i))));
  if (extra) where.push(extra);
  return sql`${sql.join(joins, sql`\n`)}\nWHERE ${sql.join(where, sql` AND `)}`;
}

/**
 * Up to `limit` rows of the path's last table that hang below the anchor, with their
 * primary key as __pk0… (a batch: the caller deletes or updates them by key and asks
 * again; rows it changed no longer match, so no cursor is needed).
 */
export function rowsBelow(
  anchor: Anchor,
  path: PathLink[],
  pk: string[],
  opts: { limit?: number; sameCascade?: string; where?: (alias: string) => RawBuilder<unknown> } = {},
): RawBuilder<Record<string, unknown>> {
  const n = alias(path.length - 1);
  return sql`SELECT ${aliased(n, pk, "__pk")} FROM ${tableId(path[path.length - 1].ref)} AS ${sql.id(n)}
${joinsAndWhere(anchor, path, opts.sameCascade, opts.where?.(n))}${
    opts.limit
      ? sql`
LIMIT ${sql.lit(Math.trunc(opts.limit))}`
      : sql``
  }`;
}

/** How many rows of the path's last table hang below the anchor. */
export function countBelow(
  anchor: Anchor,
  path: PathLink[],
  sameCascade?: string,
  where?: (alias: string) => RawBuilder<unknown>,
): RawBuilder<{ n: number | string }> {
  const n = alias(path.length - 1);
  return sql`SELECT count(*) AS n FROM ${tableId(path[path.length - 1].ref)} AS ${sql.id(n)}
${joinsAndWhere(anchor, path, sameCascade, where?.(n))}`;
}

/** The distinct values of `columns` of the path's last table below the anchor: what rows in another database reference. */
export function keysBelow(anchor: Anchor, path: PathLink[], columns: string[]): RawBuilder<Record<string, unknown>> {
  const n = alias(path.length - 1);
  return sql`SELECT DISTINCT ${aliased(n, columns, "k")} FROM ${tableId(path[path.length - 1].ref)} AS ${sql.id(n)}
${joinsAndWhere(anchor, path)}`;
}

/** The subject row by primary key, with its key as __pk0… */
export function subjectRow(table: TableRef, pk: string[], key: unknown[], forUpdate: boolean): RawBuilder<Record<string, unknown>> {
  return sql`SELECT ${aliased("r", pk, "__pk")}, r.* FROM ${tableId(table)} AS r WHERE ${tuplesMatch("r", pk, [key])}${forUpdate ? sql` FOR UPDATE` : sql``}`;
}

/** The subject, locked where the dialect has row locks, if it is still soft-deleted past grace (`pastGrace` on alias r). */
export function subjectStillPending(
  table: TableRef,
  pk: string[],
  key: unknown[],
  pastGrace: RawBuilder<unknown>,
  forUpdate: boolean,
): RawBuilder<Record<string, unknown>> {
  return sql`SELECT ${aliased("r", pk, "__pk")} FROM ${tableId(table)} AS r WHERE ${tuplesMatch("r", pk, [key])} AND ${pastGrace}${forUpdate ? sql` FOR UPDATE` : sql``}`;
}

/** Soft-deleted rows whose `column` is exactly `value` (support searches by id or email; live rows are never listed). */
export function softDeletedBy(
  table: TableRef,
  pk: string[],
  stamp: string,
  column: string,
  value: unknown,
  limit: number,
  ignoreCase = false,
): RawBuilder<Record<string, unknown>> {
  // lower() on both sides: what a person types for an email need not match its stored case.
  const match = ignoreCase ? sql`lower(${col("r", column)}) = lower(${value})` : sql`${col("r", column)} = ${value}`;
  return sql`SELECT ${aliased("r", pk, "__pk")}, r.* FROM ${tableId(table)} AS r
WHERE ${match} AND ${col("r", stamp)} IS NOT NULL
LIMIT ${sql.lit(Math.trunc(limit))}`;
}

/** A live row other than the subject holding this unique value (the re-registration case). */
export function liveHolder(
  table: TableRef,
  pk: string[],
  stamp: string,
  column: string,
  value: unknown,
  subjectKey: unknown[],
): RawBuilder<Record<string, unknown>> {
  return sql`SELECT ${aliased("r", pk, "__pk")} FROM ${tableId(table)} AS r
WHERE ${col("r", column)} = ${value} AND ${col("r", stamp)} IS NULL AND NOT (${tuplesMatch("r", pk, [subjectKey])})
LIMIT 1`;
}

export function clearStampByPk(table: TableRef, pk: string[], pks: unknown[][], stamp: string): RawBuilder<unknown> {
  return sql`UPDATE ${tableId(table)} SET ${sql.id(stamp)} = NULL WHERE ${tuplesMatch(null, pk, pks)}`;
}

/** Replaces PII columns (values bound; NULL where no replacement is configured). */
export function redactByPk(table: TableRef, pk: string[], pks: unknown[][], values: Record<string, string | null>): RawBuilder<unknown> {
  const sets = Object.entries(values).map(([c, v]) => sql`${sql.id(c)} = ${v}`);
  return sql`UPDATE ${tableId(table)} SET ${sql.join(sets)} WHERE ${tuplesMatch(null, pk, pks)}`;
}

/** "Every PII column already holds its redacted value" for a row aliased `a`. */
export function redacted(a: string, values: Record<string, string | null>): RawBuilder<unknown> {
  const parts = Object.entries(values).map(([c, v]) => (v === null ? sql`${col(a, c)} IS NULL` : sql`(${col(a, c)} IS NULL OR ${col(a, c)} = ${v})`));
  return parts.length ? sql`(${sql.join(parts, sql` AND `)})` : sql`1 = 0`;
}

/**
 * The gauges of one soft-delete table in one pass over its soft-deleted rows: how many,
 * how many past grace (and not yet redacted, for tables purged by redaction), the oldest
 * pending stamp, and for each age threshold how many are older (`live(before)` is the
 * dialect's "stamp is NULL or not older than before").
 */
export function gaugeStatement(
  table: TableRef,
  stamp: string,
  pastGrace: RawBuilder<unknown>,
  older: RawBuilder<unknown>[],
  notRedacted: RawBuilder<unknown> | null,
): RawBuilder<Record<string, unknown>> {
  const pending = notRedacted ? sql`${pastGrace} AND ${notRedacted}` : pastGrace;
  const buckets = older.map((o, i) => sql`, sum(CASE WHEN ${o} THEN 1 ELSE 0 END) AS ${sql.id(`b${i}`)}`);
  return sql`SELECT count(*) AS deleted, sum(CASE WHEN ${pending} THEN 1 ELSE 0 END) AS pending,
  min(CASE WHEN ${pending} THEN ${col("r", stamp)} END) AS oldest${sql.join(buckets, sql``)}
FROM ${tableId(table)} AS r WHERE ${col("r", stamp)} IS NOT NULL`;
}

/** How many subjects wait past grace (a purge job's whole, for its progress bar). */
export function countPendingSubjects(
  table: TableRef,
  pastGrace: RawBuilder<unknown>,
  notRedacted: RawBuilder<unknown> | null,
): RawBuilder<{ n: number | string }> {
  return sql`SELECT count(*) AS n FROM ${tableId(table)} AS r WHERE ${sql.join([pastGrace, ...(notRedacted ? [notRedacted] : [])], sql` AND `)}`;
}

/** Subjects waiting past grace, in primary-key order after `after`: what a purge job walks. */
export function pendingSubjects(
  table: TableRef,
  pk: string[],
  pastGrace: RawBuilder<unknown>,
  notRedacted: RawBuilder<unknown> | null,
  after: unknown[] | null,
  limit: number,
): RawBuilder<Record<string, unknown>> {
  const where = [pastGrace, ...(notRedacted ? [notRedacted] : []), ...(after ? [keyAfter("r", pk, after)] : [])];
  return sql`SELECT ${aliased("r", pk, "p")} FROM ${tableId(table)} AS r
WHERE ${sql.join(where, sql` AND `)}
ORDER BY ${sql.join(pk.map((c) => col("r", c)))}
LIMIT ${sql.lit(Math.trunc(limit))}`;
}
