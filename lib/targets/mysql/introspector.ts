import { sql } from "kysely";
import { columnsOf, groupRows, type RowsOf } from "../catalog";
import type { Introspector } from "../dialect";
import type { Session } from "../session";
import { createMysqlPrivileges } from "./privileges";
import type { ColumnInfo, ColumnsRef, DeclaredForeignKey, IndexInfo } from "../types";

// information_schema of the connected database only (MySQL's "schema" is a database).

const defaultSchemaQuery = sql<{ schema: string }>`SELECT DATABASE() AS \`schema\``;

const foreignKeysQuery = sql<{
  constraint_name: string;
  child_schema: string;
  child_table: string;
  child_column: string;
  parent_schema: string;
  parent_table: string;
  parent_column: string;
}>`SELECT k.CONSTRAINT_NAME AS constraint_name, k.TABLE_SCHEMA AS child_schema, k.TABLE_NAME AS child_table,
  k.COLUMN_NAME AS child_column, k.REFERENCED_TABLE_SCHEMA AS parent_schema,
  k.REFERENCED_TABLE_NAME AS parent_table, k.REFERENCED_COLUMN_NAME AS parent_column
FROM information_schema.KEY_COLUMN_USAGE k
WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

const columnsQuery = sql<{
  schema: string;
  table: string;
  column: string;
  data_type: string;
  nullable: string;
  charset: string | null;
  collation: string | null;
}>`
SELECT c.TABLE_SCHEMA AS \`schema\`, c.TABLE_NAME AS \`table\`, c.COLUMN_NAME AS \`column\`,
  c.COLUMN_TYPE AS data_type, c.IS_NULLABLE AS nullable, c.CHARACTER_SET_NAME AS charset, c.COLLATION_NAME AS \`collation\`
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`;

const versionQuery = sql<{ version: string }>`SELECT VERSION() AS version`;

const indexesQuery = sql<{ schema: string; table: string; name: string; non_unique: number | string; column: string | null }>`
SELECT s.TABLE_SCHEMA AS \`schema\`, s.TABLE_NAME AS \`table\`, s.INDEX_NAME AS name,
  s.NON_UNIQUE AS non_unique, s.COLUMN_NAME AS \`column\`
FROM information_schema.STATISTICS s
WHERE s.TABLE_SCHEMA = DATABASE()
ORDER BY s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX`;

/** JSON_TABLE came with MySQL 8.0.4 and MariaDB 10.6. */
export function hasJsonTable(version: string): boolean {
  const [major, minor] = version.split(/[.-]/).map(Number);
  return /mariadb/i.test(version) ? major > 10 || (major === 10 && minor >= 6) : major >= 8;
}

/**
 * What a JSON_TABLE column must declare to compare like the parent column: its charset
 * and collation, and for strings a width no key exceeds, so a longer child key is never
 * truncated into a match with a parent's prefix.
 */
function jsonTableDeclaration(type: string, charset: string | null, collation: string | null): string {
  const widened = type.replace(/^(var)?char\(\d+\)/i, "varchar(3072)");
  return charset && collation ? `${widened} CHARACTER SET ${charset} COLLATE ${collation}` : widened;
}

export interface MysqlColumn extends ColumnInfo {
  /** How a lookup's JSON_TABLE declares this column (see jsonTableDeclaration). */
  declaration: string;
}

interface MysqlIndex extends IndexInfo {
  unique: boolean;
  primary: boolean;
}

export interface MysqlIntrospector extends Introspector {
  columns(): Promise<MysqlColumn[]>;
  /** The JSON_TABLE declarations of some columns, in order ("" when unknown). */
  declarations(ref: ColumnsRef): Promise<string[]>;
  /** Whether the server has JSON_TABLE (MySQL 8, MariaDB 10.6+). */
  jsonTable(): Promise<boolean>;
  /** MariaDB rather than MySQL (they bound a statement's time differently). */
  mariadb(): Promise<boolean>;
}

/** information_schema of the connected database, each part read once per target. */
export function createMysqlIntrospector(session: Session): MysqlIntrospector {
  const columns = session.memo(async (): Promise<MysqlColumn[]> =>
    (await session.run(columnsQuery)).map((r) => ({
      schema: r.schema,
      table: r.table,
      column: r.column,
      dataType: r.data_type,
      nullable: r.nullable === "YES",
      declaration: jsonTableDeclaration(r.data_type, r.charset, r.collation),
    })),
  );
  const indexes = session.memo(async () => indexesOf(await session.run(indexesQuery)));
  return {
    ...createMysqlPrivileges(session),
    defaultSchema: session.memo(async () => (await session.run(defaultSchemaQuery))[0].schema),
    foreignKeys: session.memo(async () => foreignKeysOf(await session.run(foreignKeysQuery))),
    columns,
    declarations: async (ref) => columnsOf(await columns(), ref).map((c) => c?.declaration ?? ""),
    jsonTable: session.memo(async () => hasJsonTable((await session.run(versionQuery))[0].version)),
    uniqueKeys: session.memo(async () =>
      (await indexes()).filter((i) => i.unique).map((i) => ({ schema: i.schema, table: i.table, columns: i.columns, primary: i.primary })),
    ),
    indexes: session.memo(async () => (await indexes()).map(({ schema, table, name, columns }) => ({ schema, table, name, columns }))),
    /** MySQL and MariaDB have no partial indexes. */
    partialIndexes: async () => [],
    mariadb: session.memo(async () => /mariadb/i.test((await session.run(versionQuery))[0].version)),
  };
}

function foreignKeysOf(rows: RowsOf<typeof foreignKeysQuery>): DeclaredForeignKey[] {
  return groupRows(rows, (r) => `${r.child_table}\u0000${r.constraint_name}`).map((parts) => ({
    constraint: parts[0].constraint_name,
    child: { schema: parts[0].child_schema, table: parts[0].child_table, columns: parts.map((p) => p.child_column) },
    parent: { schema: parts[0].parent_schema, table: parts[0].parent_table, columns: parts.map((p) => p.parent_column) },
  }));
}

/** Indexes over plain columns (one over an expression lists a NULL column: it is left out). */
function indexesOf(rows: RowsOf<typeof indexesQuery>): MysqlIndex[] {
  return groupRows(rows, (r) => `${r.table}\u0000${r.name}`)
    .filter((parts) => parts.every((p) => p.column != null))
    .map((parts) => {
      const [r] = parts;
      return {
        schema: r.schema,
        table: r.table,
        name: r.name,
        columns: parts.map((p) => p.column as string),
        unique: Number(r.non_unique) === 0,
        primary: r.name === "PRIMARY",
      };
    });
}
