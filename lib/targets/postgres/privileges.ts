import { sql } from "kysely";
import type { TablePrivileges } from "../privileges";
import type { Session } from "../session";
import type { TableRef } from "../types";

const versionQuery = sql<{ version: string }>`SELECT current_setting('server_version') AS version`;

/**
 * The current user's privileges on some tables, from has_*_privilege (which count the
 * roles it inherits and superuser). UPDATE may be granted on columns only: any column
 * counts (a cleanup nulls the reference columns). DDL on a table (CREATE INDEX, ADD
 * FOREIGN KEY) is its owner's: membership in the owning role counts.
 */
function privilegesQuery(tables: TableRef[]) {
  return sql<{ schema: string; table: string; present: boolean; sel: boolean; upd: boolean; del: boolean; ddl: boolean }>`
SELECT x.schema, x.table, c.oid IS NOT NULL AS present,
  COALESCE(has_schema_privilege(n.oid, 'USAGE') AND has_any_column_privilege(c.oid, 'SELECT'), false) AS sel,
  COALESCE(has_schema_privilege(n.oid, 'USAGE') AND has_any_column_privilege(c.oid, 'UPDATE'), false) AS upd,
  COALESCE(has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'DELETE'), false) AS del,
  COALESCE(has_schema_privilege(n.oid, 'USAGE') AND pg_has_role(c.relowner, 'USAGE'), false) AS ddl
FROM unnest(${tables.map((t) => t.schema)}::text[], ${tables.map((t) => t.table)}::text[]) WITH ORDINALITY AS x(schema, "table", ord)
LEFT JOIN pg_namespace n ON n.nspname = x.schema
LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = x.table AND c.relkind IN ('r', 'p')
ORDER BY x.ord`;
}

export function createPostgresPrivileges(session: Session) {
  return {
    serverVersion: async () => `PostgreSQL ${(await session.run(versionQuery))[0].version}`,
    privileges: async (tables: TableRef[]): Promise<TablePrivileges[]> => {
      if (!tables.length) return [];
      return (await session.run(privilegesQuery(tables))).map((r) => ({
        schema: r.schema,
        table: r.table,
        exists: r.present,
        select: r.sel,
        update: r.upd,
        delete: r.del,
        ddl: r.ddl,
      }));
    },
  };
}
