import { sql } from "kysely";
import { columnsOf } from "../catalog";
import type { Introspector } from "../dialect";
import type { Session } from "../session";
import { createPostgresPrivileges } from "./privileges";
import type { ColumnInfo, ColumnsRef } from "../types";

// Catalog queries. All schemas but the system ones; partial indexes are read apart
// because they do not cover every row.

const userSchemas = sql`n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

const defaultSchemaQuery = sql<{ schema: string }>`SELECT current_schema() AS schema`;

/** Every foreign key of the user schemas, with its ON DELETE and whether it is validated (prevention reads those too). */
export const foreignKeysQuery = sql<{
  constraint: string;
  child_schema: string;
  child_table: string;
  child_columns: string[];
  parent_schema: string;
  parent_table: string;
  parent_columns: string[];
  on_delete: string;
  validated: boolean;
}>`SELECT con.conname::text AS constraint,
  n.nspname::text AS child_schema, cc.relname::text AS child_table,
  pn.nspname::text AS parent_schema, pc.relname::text AS parent_table,
  array_agg(ca.attname::text ORDER BY k.ord) AS child_columns,
  array_agg(pa.attname::text ORDER BY k.ord) AS parent_columns,
  con.confdeltype::text AS on_delete, con.convalidated AS validated
FROM pg_constraint con
JOIN pg_class cc ON cc.oid = con.conrelid
JOIN pg_namespace n ON n.oid = cc.relnamespace
JOIN pg_class pc ON pc.oid = con.confrelid
JOIN pg_namespace pn ON pn.oid = pc.relnamespace
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(ck, pk, ord)
JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.ck
JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.pk
WHERE con.contype = 'f' AND ${userSchemas}
GROUP BY con.oid, con.conname, n.nspname, cc.relname, pn.nspname, pc.relname, con.confdeltype, con.convalidated
ORDER BY 2, 3, 1`;

const columnsQuery = sql<{ schema: string; table: string; column: string; data_type: string; base_type: string; nullable: boolean }>`
SELECT n.nspname::text AS schema, c.relname::text AS table, a.attname::text AS column,
  format_type(a.atttypid, a.atttypmod) AS data_type, format_type(a.atttypid, NULL) AS base_type, NOT a.attnotnull AS nullable
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ${userSchemas}
ORDER BY 1, 2, a.attnum`;

/**
 * Indexes over plain columns: the full ones (keys, and what a walk reads), or the partial
 * ones with their predicate as PostgreSQL prints it (what the soft-delete gauges read).
 */
function indexesQuery(partial: boolean) {
  return sql<{ schema: string; table: string; name: string; columns: string[]; is_unique: boolean; is_primary: boolean; predicate: string | null }>`
SELECT n.nspname::text AS schema, c.relname::text AS table, ic.relname::text AS name,
  array_agg(a.attname::text ORDER BY k.ord) AS columns, i.indisunique AS is_unique, i.indisprimary AS is_primary,
  pg_get_expr(i.indpred, i.indrelid) AS predicate
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE i.indpred IS ${partial ? sql`NOT NULL` : sql`NULL`} AND i.indisvalid AND NOT (0 = ANY(i.indkey::int2[])) AND k.ord <= i.indnkeyatts AND ${userSchemas}
GROUP BY n.nspname, c.relname, ic.relname, i.indisunique, i.indisprimary, i.indpred, i.indrelid
ORDER BY 1, 2, 3`;
}

export interface PostgresColumn extends ColumnInfo {
  /**
   * The type without its size (varchar(36) → character varying): what a lookup casts keys
   * to, so a cast of a longer child key never truncates it into a match with a parent's prefix.
   */
  castType: string;
}

export interface PostgresIntrospector extends Introspector {
  columns(): Promise<PostgresColumn[]>;
  /** The cast types of some columns, in order ("" when unknown). */
  castTypes(ref: ColumnsRef): Promise<string[]>;
}

/** PostgreSQL's catalog (pg_catalog), each part read once per target. */
export function createPostgresIntrospector(session: Session): PostgresIntrospector {
  const columns = session.memo(async (): Promise<PostgresColumn[]> =>
    (await session.run(columnsQuery)).map((r) => ({
      schema: r.schema,
      table: r.table,
      column: r.column,
      dataType: r.data_type,
      castType: r.base_type,
      nullable: r.nullable,
    })),
  );
  const indexRows = session.memo(() => session.run(indexesQuery(false)));
  return {
    ...createPostgresPrivileges(session),
    defaultSchema: session.memo(async () => (await session.run(defaultSchemaQuery))[0].schema),
    foreignKeys: session.memo(async () =>
      (await session.run(foreignKeysQuery)).map((r) => ({
        constraint: r.constraint,
        child: { schema: r.child_schema, table: r.child_table, columns: r.child_columns },
        parent: { schema: r.parent_schema, table: r.parent_table, columns: r.parent_columns },
      })),
    ),
    columns,
    castTypes: async (ref) => columnsOf(await columns(), ref).map((c) => c?.castType ?? ""),
    uniqueKeys: session.memo(async () =>
      (await indexRows()).filter((r) => r.is_unique).map((r) => ({ schema: r.schema, table: r.table, columns: r.columns, primary: r.is_primary })),
    ),
    indexes: session.memo(async () => (await indexRows()).map((r) => ({ schema: r.schema, table: r.table, columns: r.columns, name: r.name }))),
    // read afresh every time: they are what a person is asked to create
    partialIndexes: () =>
      session.guard(async () =>
        (await session.run(indexesQuery(true))).map((r) => ({
          schema: r.schema,
          table: r.table,
          name: r.name,
          columns: r.columns,
          unique: r.is_unique,
          predicate: r.predicate ?? "",
        })),
      ),
  };
}
