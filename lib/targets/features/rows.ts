import { sql, type RawBuilder } from "kysely";
import { tuplesMatch } from "./cleanup";
import { orderBy, tableId } from "../sql";
import type { ColumnsRef, Target } from "../types";

/**
 * The rows of a table whose key is one of `keys` (each key its column values, bound, never
 * spliced), in key order, at most `limit`. Callers pass a few hundred keys at a time.
 */
export function rowsByKeysStatement(ref: ColumnsRef, keys: unknown[][], limit: number): RawBuilder<Record<string, unknown>> {
  return sql`SELECT c.* FROM ${tableId(ref)} AS c WHERE ${tuplesMatch("c", ref.columns, keys)} ORDER BY ${orderBy("c", ref.columns)} LIMIT ${sql.lit(Math.trunc(limit))}`;
}

export async function rowsByKeys(target: Target, ref: ColumnsRef, keys: unknown[][], limit: number): Promise<Record<string, unknown>[]> {
  if (!keys.length) return [];
  return target.query(rowsByKeysStatement(ref, keys, limit));
}
