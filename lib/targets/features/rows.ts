import { sql, type RawBuilder } from "kysely";
import { tuplesMatch } from "./cleanup";
import { col, keyAfter, orderBy, tableId } from "../sql";
import type { ColumnsRef, Target } from "../types";

/**
 * The rows of a table whose key is one of `keys` (each key its column values, bound, never
 * spliced), in key order, then in `pk` order within a key, at most `limit`. Callers pass a
 * few hundred keys at a time.
 */
export function rowsByKeysStatement(ref: ColumnsRef, keys: unknown[][], limit: number, pk: string[] = []): RawBuilder<Record<string, unknown>> {
  const order = [...ref.columns, ...pk.filter((c) => !ref.columns.includes(c))];
  return sql`SELECT c.* FROM ${tableId(ref)} AS c WHERE ${tuplesMatch("c", ref.columns, keys)} ORDER BY ${orderBy("c", order)} LIMIT ${sql.lit(Math.trunc(limit))}`;
}

/**
 * The rows of one key whose primary key comes after `afterPk`, in primary-key order: the
 * rest of a key whose rows a page of the preview cut in two (keyset on the child's primary
 * key, values bound).
 */
export function rowsOfKeyAfterStatement(ref: ColumnsRef, key: unknown[], pk: string[], afterPk: unknown[], limit: number): RawBuilder<Record<string, unknown>> {
  const sameKey = sql.join(
    ref.columns.map((c, i) => sql`${col("c", c)} = ${key[i]}`),
    sql` AND `,
  );
  return sql`SELECT c.* FROM ${tableId(ref)} AS c WHERE ${sameKey} AND ${keyAfter("c", pk, afterPk)} ORDER BY ${orderBy("c", pk)} LIMIT ${sql.lit(Math.trunc(limit))}`;
}

export async function rowsByKeys(target: Target, ref: ColumnsRef, keys: unknown[][], limit: number, pk: string[] = []): Promise<Record<string, unknown>[]> {
  if (!keys.length) return [];
  return target.query(rowsByKeysStatement(ref, keys, limit, pk));
}

export async function rowsOfKeyAfter(
  target: Target,
  ref: ColumnsRef,
  key: unknown[],
  pk: string[],
  afterPk: unknown[],
  limit: number,
): Promise<Record<string, unknown>[]> {
  return target.query(rowsOfKeyAfterStatement(ref, key, pk, afterPk, limit));
}
