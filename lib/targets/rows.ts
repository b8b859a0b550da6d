import { sql, type RawBuilder } from "kysely";
import { col, orderBy, tableId } from "./sql";
import type { ColumnsRef, Target } from "./types";

/**
 * The rows of a table whose key is one of `keys` (each key its column values, bound, never
 * spliced), in key order, at most `limit`. One column: `IN (…)`; several: OR of ANDs,
 * which every dialect reads alike. Callers pass a few hundred keys at a time.
 */
export function rowsByKeysStatement(ref: ColumnsRef, keys: unknown[][], limit: number): RawBuilder<Record<string, unknown>> {
  const match =
    ref.columns.length === 1
      ? sql`${col("c", ref.columns[0])} IN (${sql.join(keys.map((k) => sql`${k[0]}`))})`
      : sql.join(
          keys.map((k) => sql`(${sql.join(ref.columns.map((c, i) => sql`${col("c", c)} = ${k[i]}`), sql` AND `)})`),
          sql` OR `,
        );
  return sql`SELECT c.* FROM ${tableId(ref)} AS c WHERE ${match} ORDER BY ${orderBy("c", ref.columns)} LIMIT ${sql.lit(Math.trunc(limit))}`;
}

export async function rowsByKeys(target: Target, ref: ColumnsRef, keys: unknown[][], limit: number): Promise<Record<string, unknown>[]> {
  if (!keys.length) return [];
  return target.query(rowsByKeysStatement(ref, keys, limit));
}
