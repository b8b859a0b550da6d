import { sql } from "kysely";
import { groupRows } from "../catalog";
import type { Constraints } from "../dialect";
import type { Session } from "../session";
import { createIndexStatement, foreignKeyClause } from "../sql";
import type { EnforcedForeignKey, ForeignKeyAction, MigrationStep, TableRef } from "../types";
import type { SqliteIntrospector } from "./introspector";
import { rebuiltCreateTable } from "./rebuild";

// SQLite cannot add a foreign key to a table: the table is rebuilt by the procedure of
// sqlite.org/lang_altertable.html ("making other kinds of table schema changes"), written
// out for the real table from sqlite_schema. SQLite enforces foreign keys only on the
// connections that turn `PRAGMA foreign_keys` on (better-sqlite3 does by default; the
// sqlite3 shell and most other drivers do not): the migration's comment says so.

const enforcedQuery = sql<{ tbl: string; id: number; seq: number; parent: string; from: string; to: string | null; on_delete: string }>`
SELECT m.name AS tbl, f.id, f.seq, f."table" AS parent, f."from", f."to", f.on_delete
FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, f.id, f.seq`;

/** The table's own statement, its indexes and triggers, and the views that name it (the name is bound). */
function schemaOf(table: string) {
  return sql<{ type: string; name: string; sql: string | null }>`
SELECT type, name, sql FROM sqlite_schema
WHERE (tbl_name = ${table} AND type IN ('table', 'index', 'trigger'))
   OR (type = 'view' AND instr(lower(sql), lower(${table})) > 0)
ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name`;
}

/** Stored columns (generated ones are computed again, never copied). */
function copiedColumns(table: string) {
  return sql<{ name: string }>`SELECT name FROM pragma_table_xinfo(${table}) WHERE hidden = 0 ORDER BY cid`;
}

const SCHEMA = "main";

export function createSqliteConstraints(session: Session, catalog: SqliteIntrospector): Constraints {
  return {
    async enforced(): Promise<EnforcedForeignKey[]> {
      const rows = await session.run(enforcedQuery);
      const pkOf = async (table: string) =>
        (await catalog.columns())
          .filter((c) => c.table === table && c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.column);
      return Promise.all(
        groupRows(rows, (r) => `${r.tbl}\u0000${r.id}`).map(async (parts) => ({
          constraint: null,
          child: { schema: SCHEMA, table: parts[0].tbl, columns: parts.map((p) => p.from) },
          parent: {
            schema: SCHEMA,
            table: parts[0].parent,
            columns: parts.every((p) => p.to != null) ? parts.map((p) => p.to as string) : await pkOf(parts[0].parent),
          },
          onDelete: parts[0].on_delete as ForeignKeyAction,
          validated: true,
        })),
      );
    },
    async migration(table: TableRef, fks, _lockTimeoutMs, compile): Promise<MigrationStep[]> {
      const objects = await session.run(schemaOf(table.table));
      const own = objects.find((o) => o.type === "table" && o.name === table.table);
      if (!own?.sql) throw new Error(`table ${table.table} not found in sqlite_schema`);
      // indexes SQLite made for UNIQUE/PRIMARY KEY constraints have no statement: the new table's own constraints make them again
      const indexes = objects.filter((o) => o.type === "index" && o.sql);
      const triggers = objects.filter((o) => o.type === "trigger" && o.sql);
      const views = objects.filter((o) => o.type === "view" && o.sql);
      const columns = (await session.run(copiedColumns(table.table))).map((c) => sql.id(c.name));
      const interim = `${table.table}__rebuilt`;
      const create = rebuiltCreateTable(
        own.sql,
        compile(sql.id(SCHEMA, interim)),
        fks.filter((fk) => fk.replaces).map((fk) => fk.child.columns),
        fks.map((fk) => compile(foreignKeyClause(fk, { parentSchema: false }))),
      );
      const list = sql.join(columns);
      return [
        {
          title: `rebuild ${table.table} with ${fks.map((fk) => fk.name).join(", ")}`,
          constraints: fks.map((fk) => fk.name),
          comment: [
            "SQLite cannot add a foreign key to an existing table: the table is rebuilt (sqlite.org/lang_altertable.html, section 7),",
            "keeping every column, default, constraint, index, trigger and view. The whole table is copied under the database's write lock.",
            "SQLite enforces foreign keys only on connections that run PRAGMA foreign_keys = ON: make sure the application's do.",
          ].join("\n"),
          statements: [
            { sql: "PRAGMA foreign_keys = OFF" },
            { sql: "BEGIN IMMEDIATE" },
            { sql: create },
            { sql: compile(sql`INSERT INTO ${sql.id(SCHEMA, interim)} (${list}) SELECT ${list} FROM ${sql.id(SCHEMA, table.table)}`) },
            ...views.map((v) => ({ sql: compile(sql`DROP VIEW ${sql.id(SCHEMA, v.name)}`) })),
            { sql: compile(sql`DROP TABLE ${sql.id(SCHEMA, table.table)}`) },
            { sql: compile(sql`ALTER TABLE ${sql.id(SCHEMA, interim)} RENAME TO ${sql.id(table.table)}`) },
            ...indexes.map((o) => ({ sql: o.sql as string })),
            // the index a key's checks and cascades probe, where none leads with its columns
            ...fks.filter((fk) => fk.needsIndex).map((fk) => ({ sql: compile(createIndexStatement(fk.child, { concurrently: false, schemaOn: "index" })) })),
            ...triggers.map((o) => ({ sql: o.sql as string })),
            ...views.map((o) => ({ sql: o.sql as string })),
            { sql: compile(sql`PRAGMA ${sql.id(SCHEMA)}.foreign_key_check(${sql.id(table.table)})`), expectNoRows: true },
            { sql: "COMMIT" },
            { sql: "PRAGMA foreign_keys = ON" },
          ],
          lock: "the database's write lock (one writer at a time)",
          writesBlocked: "yes",
          readsWholeTable: true,
          copiesTable: true,
          onFailure: ["ROLLBACK", "PRAGMA foreign_keys = ON"],
        },
      ];
    },
  };
}
