import { sql } from "kysely";
import { groupRows, type RowsOf } from "../catalog";
import type { Introspector } from "../dialect";
import type { Session } from "../session";
import { createSqlitePrivileges } from "./privileges";
import type { ColumnInfo, ColumnsRef, DeclaredForeignKey, PartialIndex } from "../types";

// One statement per catalog view: the pragma table-valued functions take the table name
// as a bound argument, joined against sqlite_schema, so no name is ever spliced.

const userTables = sql`m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`;

const foreignKeysQuery = sql<{ tbl: string; id: number; seq: number; parent: string; from: string; to: string | null }>`
SELECT m.name AS tbl, f.id, f.seq, f."table" AS parent, f."from", f."to"
FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f
WHERE ${userTables}
ORDER BY m.name, f.id, f.seq`;

const columnsQuery = sql<{ tbl: string; name: string; type: string; notnull: number; pk: number }>`
SELECT m.name AS tbl, c.name, c.type, c."notnull", c.pk
FROM sqlite_schema AS m, pragma_table_info(m.name) AS c
WHERE ${userTables}
ORDER BY m.name, c.cid`;

// origin: 'c' CREATE INDEX, 'u' UNIQUE constraint, 'pk' a PRIMARY KEY that is not the rowid.
const indexesQuery = sql<{ tbl: string; idx: string; is_unique: number; partial: number; origin: string; seqno: number; col: string | null }>`
SELECT m.name AS tbl, il.name AS idx, il."unique" AS is_unique, il.partial, il.origin, ii.seqno, ii.name AS col
FROM sqlite_schema AS m, pragma_index_list(m.name) AS il, pragma_index_info(il.name) AS ii
WHERE ${userTables}
ORDER BY m.name, il.name, ii.seqno`;

/** Partial indexes: their columns and their CREATE statement (the predicate is read from it). */
const partialIndexesQuery = sql<{ tbl: string; idx: string; is_unique: number; ddl: string | null; seqno: number; col: string | null }>`
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

/** Only the main database of the file is inspected. */
export const SCHEMA = "main";

export interface SqliteColumn extends ColumnInfo {
  /** The column's place in the primary key (1-based), 0 outside it. */
  pk: number;
}

export interface SqliteIntrospector extends Introspector {
  columns(): Promise<SqliteColumn[]>;
  /**
   * Tables whose primary key is the rowid itself (a lone INTEGER PRIMARY KEY in a rowid
   * table), by table: such a key can never be NULL. Any other PRIMARY KEY gets an index
   * of origin 'pk' (and, outside WITHOUT ROWID tables, may even hold NULLs).
   */
  rowidKeys(): Promise<Map<string, string>>;
}

/** The pragmas of the main database, each part read once per target. */
export function createSqliteIntrospector(session: Session): SqliteIntrospector {
  const columns = session.memo(async (): Promise<SqliteColumn[]> =>
    (await session.run(columnsQuery)).map((r) => ({
      schema: SCHEMA,
      table: r.tbl,
      column: r.name,
      dataType: r.type,
      nullable: !Number(r.notnull),
      pk: Number(r.pk),
    })),
  );
  const primaryKeys = async () => primaryKeysOf(await columns());
  const indexRows = session.memo(() => session.run(indexesQuery));
  return {
    ...createSqlitePrivileges(session),
    defaultSchema: async () => SCHEMA,
    foreignKeys: session.memo(async () => foreignKeysOf(await session.run(foreignKeysQuery), await columns())),
    columns,
    rowidKeys: session.memo(async () => rowidKeysOf(await primaryKeys(), await indexRows())),
    uniqueKeys: session.memo(async () => [
      ...(await primaryKeys()).map((k) => ({ ...k, primary: true })),
      ...fullIndexesOf(await indexRows())
        .filter((i) => i.unique)
        .map((i) => ({ schema: SCHEMA, table: i.table, columns: i.columns, primary: false })),
    ]),
    indexes: session.memo(async () => [
      // The primary key orders the table itself (rowid or WITHOUT ROWID): it serves as an index.
      ...(await primaryKeys()).map((k) => ({ ...k, name: "(primary key)" })),
      ...fullIndexesOf(await indexRows()).map((i) => ({ schema: SCHEMA, table: i.table, name: i.name, columns: i.columns })),
    ]),
    // read afresh every time: they are what a person is asked to create
    partialIndexes: () => session.guard(async () => partialIndexesOf(await session.run(partialIndexesQuery))),
  };
}

function primaryKeysOf(columns: SqliteColumn[]): ColumnsRef[] {
  return groupRows(
    columns.filter((c) => c.pk > 0),
    (c) => c.table,
  ).map((pk) => ({ schema: SCHEMA, table: pk[0].table, columns: pk.sort((a, b) => a.pk - b.pk).map((c) => c.column) }));
}

function foreignKeysOf(rows: RowsOf<typeof foreignKeysQuery>, columns: SqliteColumn[]): DeclaredForeignKey[] {
  const primaryKeys = primaryKeysOf(columns);
  const pkOf = (table: string) => primaryKeys.find((k) => k.table === table)?.columns ?? [];
  return groupRows(rows, (r) => `${r.tbl}\u0000${r.id}`).map((parts) => ({
    constraint: null,
    child: { schema: SCHEMA, table: parts[0].tbl, columns: parts.map((p) => p.from) },
    // REFERENCES parent without columns means the parent's primary key.
    parent: { schema: SCHEMA, table: parts[0].parent, columns: parts.every((p) => p.to != null) ? parts.map((p) => p.to as string) : pkOf(parts[0].parent) },
  }));
}

/** A lone primary key column with no index of origin 'pk' is the rowid (see SqliteIntrospector.rowidKeys). */
function rowidKeysOf(primaryKeys: ColumnsRef[], indexRows: RowsOf<typeof indexesQuery>): Map<string, string> {
  const pkIndexed = new Set(indexRows.filter((r) => r.origin === "pk").map((r) => r.tbl));
  const keys = new Map<string, string>();
  for (const pk of primaryKeys) {
    if (pk.columns.length === 1 && !pkIndexed.has(pk.table)) keys.set(pk.table, pk.columns[0]);
  }
  return keys;
}

/** Indexes over every row and plain columns: expression columns come back NULL, and partial indexes do not cover every row. */
function fullIndexesOf(rows: RowsOf<typeof indexesQuery>): { table: string; name: string; unique: boolean; columns: string[] }[] {
  return groupRows(rows, (r) => `${r.tbl}\u0000${r.idx}`)
    .filter((parts) => Number(parts[0].partial) !== 1 && parts.every((p) => p.col != null))
    .map((parts) => ({ table: parts[0].tbl, name: parts[0].idx, unique: Number(parts[0].is_unique) === 1, columns: parts.map((p) => p.col as string) }));
}

function partialIndexesOf(rows: RowsOf<typeof partialIndexesQuery>): PartialIndex[] {
  return groupRows(rows, (r) => r.idx).map((parts) => {
    const [r] = parts;
    return {
      schema: SCHEMA,
      table: r.tbl,
      name: r.idx,
      columns: parts.flatMap((p) => (p.col != null ? [p.col] : [])),
      unique: Number(r.is_unique) === 1,
      predicate: predicateOf(r.ddl),
    };
  });
}
