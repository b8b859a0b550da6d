import { sql } from "kysely";

/** Partial indexes with their predicate as PostgreSQL prints it (the soft-delete gauges read them). */
export const partialIndexesQuery = sql<{ schema: string; table: string; name: string; columns: string[]; is_unique: boolean; predicate: string }>`
SELECT n.nspname::text AS schema, c.relname::text AS table, ic.relname::text AS name,
  array_agg(a.attname::text ORDER BY k.ord) AS columns, i.indisunique AS is_unique, pg_get_expr(i.indpred, i.indrelid) AS predicate
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE i.indpred IS NOT NULL AND i.indisvalid AND NOT (0 = ANY(i.indkey::int2[])) AND k.ord <= i.indnkeyatts
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
GROUP BY n.nspname, c.relname, ic.relname, i.indisunique, i.indpred, i.indrelid
ORDER BY 1, 2, 3`;
