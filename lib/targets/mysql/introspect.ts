import { sql } from "kysely";

// information_schema of the connected database only (MySQL's "schema" is a database).

export const defaultSchemaQuery = sql<{ schema: string }>`SELECT DATABASE() AS \`schema\``;

export const foreignKeysQuery = sql<{
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

export const columnsQuery = sql<{
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

export const versionQuery = sql<{ version: string }>`SELECT VERSION() AS version`;

export const indexesQuery = sql<{ schema: string; table: string; name: string; non_unique: number | string; column: string | null }>`
SELECT s.TABLE_SCHEMA AS \`schema\`, s.TABLE_NAME AS \`table\`, s.INDEX_NAME AS name,
  s.NON_UNIQUE AS non_unique, s.COLUMN_NAME AS \`column\`
FROM information_schema.STATISTICS s
WHERE s.TABLE_SCHEMA = DATABASE()
ORDER BY s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX`;
