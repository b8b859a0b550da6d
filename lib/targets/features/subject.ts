import { sql, type RawBuilder } from "kysely";
import { col, keyAfter, keyNotNull, orderBy, tableId } from "../sql";
import type { TableRef } from "../types";

/**
 * "The rows of a table that hold a data subject's data", as a tree the erasure walk builds
 * (lib/erasure/walk.ts) and these statements compile, the same in every dialect:
 *
 * - `values`: the row's columns equal one of some keys (bound values, never spliced);
 * - `parent`: a row of another table in the same target, itself matching a filter,
 *   carries the row's columns (EXISTS: the target joins, no keys travel through Node);
 * - `any`: one of several (a table reached by several relations).
 */
export type RowFilter =
  | { kind: "values"; columns: string[]; keys: unknown[][] }
  | { kind: "parent"; columns: string[]; parent: TableRef; parentColumns: string[]; filter: RowFilter }
  | { kind: "any"; of: RowFilter[] };

/** How many values a filter binds: the statement's parameters (drivers cap them). */
export function boundValues(f: RowFilter): number {
  if (f.kind === "values") return f.keys.length * f.columns.length;
  if (f.kind === "parent") return boundValues(f.filter);
  return f.of.reduce((n, g) => n + boundValues(g), 0);
}

/** The predicate on alias `t<depth>`; nested parents take the next aliases. */
export function filterSql(f: RowFilter, depth = 0): RawBuilder<unknown> {
  const alias = `t${depth}`;
  if (f.kind === "values") {
    if (!f.keys.length) return sql`1 = 0`;
    if (f.columns.length === 1) return sql`${col(alias, f.columns[0])} IN (${sql.join(f.keys.map((k) => sql`${k[0]}`))})`;
    return sql`(${sql.join(
      f.keys.map(
        (k) =>
          sql`(${sql.join(
            f.columns.map((c, i) => sql`${col(alias, c)} = ${k[i]}`),
            sql` AND `,
          )})`,
      ),
      sql` OR `,
    )})`;
  }
  if (f.kind === "parent") {
    const p = `t${depth + 1}`;
    const join = sql.join(
      f.parentColumns.map((c, i) => sql`${col(p, c)} = ${col(alias, f.columns[i])}`),
      sql` AND `,
    );
    return sql`EXISTS (SELECT 1 FROM ${tableId(f.parent)} AS ${sql.id(p)} WHERE ${join} AND ${filterSql(f.filter, depth + 1)})`;
  }
  if (!f.of.length) return sql`1 = 0`;
  return sql`(${sql.join(
    f.of.map((g) => filterSql(g, depth)),
    sql` OR `,
  )})`;
}

/**
 * "This row's personal data is emptied": every PII column NULL, or '' for text columns
 * (`text` flags which; comparing a number or a date with '' fails on PostgreSQL).
 * No PII columns: nothing can be redacted, so no row counts as redacted.
 */
export function redactedSql(pii: { column: string; text: boolean }[]): RawBuilder<unknown> {
  if (!pii.length) return sql`1 = 0`;
  return sql`(${sql.join(
    pii.map((c) => (c.text ? sql`(${col("t0", c.column)} IS NULL OR ${col("t0", c.column)} = '')` : sql`${col("t0", c.column)} IS NULL`)),
    sql` AND `,
  )})`;
}

/** Rows matching the filter, and of them those whose PII is emptied. */
export function residueCountStatement(
  table: TableRef,
  filter: RowFilter,
  pii: { column: string; text: boolean }[],
): RawBuilder<{ n: number | string; redacted: number | string | null }> {
  return sql`SELECT count(*) AS n, sum(CASE WHEN ${redactedSql(pii)} THEN 1 ELSE 0 END) AS redacted
FROM ${tableId(table)} AS t0 WHERE ${filterSql(filter)}`;
}

/** The first keys (ids only: the columns asked for) of matching rows whose PII is not emptied. */
export function residueSampleStatement(
  table: TableRef,
  keyColumns: string[],
  filter: RowFilter,
  pii: { column: string; text: boolean }[],
  limit: number,
): RawBuilder<Record<string, unknown>> {
  const cols = sql.join(keyColumns.map((c, i) => sql`${col("t0", c)} AS ${sql.id(`k${i}`)}`));
  return sql`SELECT ${cols} FROM ${tableId(table)} AS t0
WHERE ${filterSql(filter)} AND NOT (${redactedSql(pii)})
ORDER BY ${orderBy("t0", keyColumns)} LIMIT ${sql.lit(Math.trunc(limit))}`;
}

/**
 * A page of the distinct non-NULL values of `columns` among matching rows, in order,
 * after `after`: what another target's rows may reference (keyset pages, flat memory).
 */
export function referencedKeysStatement(
  table: TableRef,
  columns: string[],
  filter: RowFilter,
  after: unknown[] | null,
  limit: number,
): RawBuilder<Record<string, unknown>> {
  const cols = sql.join(columns.map((c, i) => sql`${col("t0", c)} AS ${sql.id(`k${i}`)}`));
  const where = after ? sql`${keyNotNull("t0", columns)} AND ${keyAfter("t0", columns, after)}` : keyNotNull("t0", columns);
  return sql`SELECT DISTINCT ${cols} FROM ${tableId(table)} AS t0
WHERE ${where} AND ${filterSql(filter)}
ORDER BY ${sql.join(columns.map((_, i) => sql.id(`k${i}`)))} LIMIT ${sql.lit(Math.trunc(limit))}`;
}
