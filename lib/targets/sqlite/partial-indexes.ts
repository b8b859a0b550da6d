import { sql } from "kysely";

/** Partial indexes: their columns and their CREATE statement (the predicate is read from it). */
export const partialIndexesQuery = sql<{ tbl: string; idx: string; is_unique: number; ddl: string | null; seqno: number; col: string | null }>`
SELECT m.name AS tbl, il.name AS idx, il."unique" AS is_unique, s.sql AS ddl, ii.seqno, ii.name AS col
FROM sqlite_schema AS m, pragma_index_list(m.name) AS il, pragma_index_info(il.name) AS ii
JOIN sqlite_schema AS s ON s.type = 'index' AND s.name = il.name
WHERE m.type = 'table' AND il.partial = 1
ORDER BY m.name, il.name, ii.seqno`;

/** The WHERE clause of a CREATE INDEX statement. */
export function predicateOf(ddl: string | null): string {
  const m = /\bWHERE\b([\s\S]*)$/i.exec(ddl ?? "");
  return m ? m[1].trim() : "";
}
