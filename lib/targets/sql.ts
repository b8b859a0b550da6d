import { sql, type RawBuilder } from "kysely";
import type { ColumnsRef, TableRef } from "./types";

// Dialect-neutral fragments. Identifiers always go through sql.id / sql.ref, which the
// dialect's query compiler quotes (doubling any embedded quote); values are bound.

export function tableId(t: TableRef): RawBuilder<unknown> {
  return sql.id(t.schema, t.table);
}

export function col(alias: string, column: string): RawBuilder<unknown> {
  return sql.id(alias, column);
}

export function cols(alias: string, columns: string[]): RawBuilder<unknown> {
  return sql.join(columns.map((c) => col(alias, c)));
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
  return branches.length === 1 ? branches[0] : sql`(${sql.join(branches.map((b) => sql`(${b})`), sql` OR `)})`;
}

export function orderBy(alias: string, columns: string[]): RawBuilder<unknown> {
  return sql.join(columns.map((c) => col(alias, c)));
}

export function indexName(ref: ColumnsRef): string {
  return `${ref.table}_${ref.columns.join("_")}_idx`.slice(0, 63);
}
