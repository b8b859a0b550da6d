import { sql } from "kysely";
import { sameTable, type TablePrivileges } from "../privileges";
import type { Session } from "../session";
import type { TableRef } from "../types";

const versionQuery = sql<{ version: string }>`SELECT VERSION() AS version`;

/**
 * The current account's grants at every level, from information_schema (which shows an
 * account its own grants). GRANTEE reads 'user'@'host', CURRENT_USER() user@host (the
 * account the server matched, so a wildcard host is its own); the host follows the last @.
 * Grants that reach the account only through a role are not listed there: they read as
 * missing (the preview says so, the work is not started). One statement (each pool
 * connection is its own session): the grantee is computed in a derived table.
 */
const grants = sql<{ privilege: string; level: "global" | "schema" | "table"; schema: string | null; table: string | null }>`
SELECT p.* FROM (SELECT CONCAT('''', LEFT(u.cu, CHAR_LENGTH(u.cu) - CHAR_LENGTH(SUBSTRING_INDEX(u.cu, '@', -1)) - 1), '''@''', SUBSTRING_INDEX(u.cu, '@', -1), '''') AS g
  FROM (SELECT CURRENT_USER() AS cu) u) me
JOIN (
  SELECT PRIVILEGE_TYPE AS privilege, 'global' AS level, NULL AS \`schema\`, NULL AS \`table\`, GRANTEE AS grantee FROM information_schema.USER_PRIVILEGES
  UNION ALL SELECT PRIVILEGE_TYPE, 'schema', TABLE_SCHEMA, NULL, GRANTEE FROM information_schema.SCHEMA_PRIVILEGES
  UNION ALL SELECT PRIVILEGE_TYPE, 'table', TABLE_SCHEMA, TABLE_NAME, GRANTEE FROM information_schema.TABLE_PRIVILEGES
) p ON p.grantee = me.g`;

function existingQuery(tables: TableRef[]) {
  const schemas = [...new Set(tables.map((t) => t.schema))];
  return sql<{ schema: string; table: string }>`SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\` FROM information_schema.TABLES
WHERE TABLE_SCHEMA IN (${sql.join(schemas)}) AND TABLE_TYPE = 'BASE TABLE'`;
}

/** A database name as a schema-level grant may spell it: a LIKE pattern (`shop\_db`, `app%`). */
export function schemaGrantMatches(pattern: string, schema: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\" && i + 1 < pattern.length) re += escape(pattern[++i]);
    else if (ch === "%") re += ".*";
    else if (ch === "_") re += ".";
    else re += escape(ch);
  }
  return new RegExp(`^${re}$`, "s").test(schema);
}
const escape = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function createMysqlPrivileges(session: Session) {
  return {
    serverVersion: async () => (await session.run(versionQuery))[0].version,
    privileges: async (tables: TableRef[]): Promise<TablePrivileges[]> => {
      if (!tables.length) return [];
      const [rows, existing] = await Promise.all([session.run(grants), session.run(existingQuery(tables))]);
      return tables.map((t) => {
        const held = new Set(
          rows
            .filter(
              (r) =>
                r.level === "global" ||
                (r.level === "schema" && schemaGrantMatches(r.schema!, t.schema)) ||
                (r.level === "table" && r.schema === t.schema && r.table === t.table),
            )
            .map((r) => r.privilege.toUpperCase()),
        );
        const exists = existing.some((e) => sameTable(e, t));
        const has = (p: string) => exists && held.has(p);
        return { ...t, exists, select: has("SELECT"), update: has("UPDATE"), delete: has("DELETE"), ddl: has("INDEX") && has("ALTER") };
      });
    },
  };
}
