import { existsSync, realpathSync } from "node:fs";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql, type RawBuilder } from "kysely";
import type { TargetSpec } from "../../config/types";
import { BaseTarget, type LookupPlan } from "../base";
import { columnNames, countRowsStatement, indexName, walkKeysStatement } from "../sql";
import { parseCounts } from "../page";
import type { ColumnInfo, ColumnsRef, DeclaredForeignKey, IndexInfo, KeyPage, ParentSoftDelete, PartialIndex, SameTargetOrphanQuery, TableRef, UniqueKey } from "../types";
import { TargetError } from "../errors";
import { SerialLock } from "../serial";
import { mapSqliteError } from "./errors";
import { parseSqliteKeyValue } from "./key-values";
import * as catalog from "./introspect";
import { partialIndexesQuery, predicateOf } from "./partial-indexes";
import * as q from "./sql";

const SCHEMA = "main";

/**
 * One lock per file in the process (its real path: two spellings or a symlink are one
 * file): a write transaction on one connection would make another connection's writer
 * wait in a busy loop that blocks the event loop the first one needs to commit. Every
 * in-memory database is a database of its own.
 */
function lockKey(url: string): string {
  return url === ":memory:" ? `sqlite::memory:${++memoryDatabases}` : `sqlite:${realpathSync(url)}`;
}
let memoryDatabases = 0;

/** SQLite files (better-sqlite3). Only the main database of the file is inspected. */
export class SqliteTarget extends BaseTarget {
  readonly inProcess = true;
  protected readonly typedColumns = false;
  // No SELECT … FOR UPDATE: a write transaction holds the whole database, and one that
  // read before another writer committed fails (SQLITE_BUSY) rather than act on stale rows.
  readonly rowLocks = false;
  readonly implicitRowKey = "rowid";

  parentLive(alias: string, softDelete?: ParentSoftDelete) {
    return q.parentLive(alias, softDelete);
  }

  static open(spec: TargetSpec): SqliteTarget {
    if (spec.url !== ":memory:" && !existsSync(spec.url)) {
      throw new TargetError("unreachable", spec.name, `cannot open target "${spec.name}": file ${spec.url} does not exist`);
    }
    let database: Database.Database;
    try {
      // fileMustExist: a typo in a path must be an error, not a new empty database with 0 orphans.
      database = new Database(spec.url, { fileMustExist: true, timeout: 5000 });
      // Exact integers (BigInt): snowflake-sized keys must not round into false orphans.
      database.defaultSafeIntegers(true);
    } catch (err) {
      throw mapSqliteError(spec.name, err);
    }
    return new SqliteTarget(spec.name, "sqlite", new Kysely<any>({ dialect: new SqliteDialect({ database }) }), SerialLock.of(lockKey(spec.url)));
  }

  parseKeyValue(type: string, text: string) {
    return parseSqliteKeyValue(type, text);
  }

  protected mapError(err: unknown) {
    return mapSqliteError(this.name, err);
  }

  protected async loadDefaultSchema() {
    return SCHEMA;
  }

  protected async loadForeignKeys(): Promise<DeclaredForeignKey[]> {
    const rows = await this.run(catalog.foreignKeysQuery);
    const columns = await this.columns();
    const pkOf = (table: string) =>
      columns.filter((c) => c.table === table && (c as SqliteColumn).pk > 0).sort((a, b) => (a as SqliteColumn).pk - (b as SqliteColumn).pk).map((c) => c.column);
    const groups = new Map<string, typeof rows>();
    for (const r of rows) {
      const key = `${r.tbl}\u0000${r.id}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    return [...groups.values()].map((parts) => {
      // REFERENCES parent without columns means the parent's primary key.
      const parentCols = parts.every((p) => p.to != null) ? parts.map((p) => p.to as string) : pkOf(parts[0].parent);
      return {
        constraint: null,
        child: { schema: SCHEMA, table: parts[0].tbl, columns: parts.map((p) => p.from) },
        parent: { schema: SCHEMA, table: parts[0].parent, columns: parentCols },
      };
    });
  }

  protected async loadColumns(): Promise<ColumnInfo[]> {
    const rows = await this.run(catalog.columnsQuery);
    return rows.map((r) => ({ schema: SCHEMA, table: r.tbl, column: r.name, dataType: r.type, nullable: !Number(r.notnull), pk: Number(r.pk) }) as SqliteColumn);
  }

  private async primaryKeys(): Promise<ColumnsRef[]> {
    const cols = (await this.columns()) as SqliteColumn[];
    const byTable = new Map<string, SqliteColumn[]>();
    for (const c of cols.filter((c) => c.pk > 0)) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
    return [...byTable.entries()].map(([table, pk]) => ({ schema: SCHEMA, table, columns: pk.sort((a, b) => a.pk - b.pk).map((c) => c.column) }));
  }

  /**
   * Tables whose primary key is the rowid itself (a lone INTEGER PRIMARY KEY in a rowid
   * table): such a key can never be NULL. Any other PRIMARY KEY gets an index of origin
   * 'pk' (and, outside WITHOUT ROWID tables, may even hold NULLs).
   */
  private rowidKeys(): Promise<Map<string, string>> {
    return this.cached("rowid", async () => {
      const rows = await this.run(catalog.indexesQuery);
      const pkIndexed = new Set(rows.filter((r) => r.origin === "pk").map((r) => r.tbl));
      const keys = new Map<string, string>();
      for (const pk of await this.primaryKeys()) {
        if (pk.columns.length === 1 && !pkIndexed.has(pk.table)) keys.set(pk.table, pk.columns[0]);
      }
      return keys;
    });
  }

  private async indexRows() {
    const rows = await this.run(catalog.indexesQuery);
    const byIndex = new Map<string, { table: string; name: string; unique: boolean; partial: boolean; columns: (string | null)[] }>();
    for (const r of rows) {
      const key = `${r.tbl}\u0000${r.idx}`;
      let idx = byIndex.get(key);
      if (!idx) byIndex.set(key, (idx = { table: r.tbl, name: r.idx, unique: Number(r.is_unique) === 1, partial: Number(r.partial) === 1, columns: [] }));
      idx.columns.push(r.col);
    }
    // Expression columns come back NULL, and partial indexes do not cover every row.
    return [...byIndex.values()].filter((i) => !i.partial && i.columns.every((c) => c != null)) as { table: string; name: string; unique: boolean; columns: string[] }[];
  }

  protected async loadUniqueKeys(): Promise<UniqueKey[]> {
    const pks = (await this.primaryKeys()).map((k) => ({ ...k, primary: true }));
    const unique = (await this.indexRows()).filter((i) => i.unique).map((i) => ({ schema: SCHEMA, table: i.table, columns: i.columns, primary: false }));
    return [...pks, ...unique];
  }

  protected async loadIndexes(): Promise<IndexInfo[]> {
    // The primary key orders the table itself (rowid or WITHOUT ROWID): it serves as an index.
    const pks = (await this.primaryKeys()).map((k) => ({ ...k, name: "(primary key)" }));
    const idx = (await this.indexRows()).map((i) => ({ schema: SCHEMA, table: i.table, name: i.name, columns: i.columns }));
    return [...pks, ...idx];
  }

  protected async orphanCountQueries(query: SameTargetOrphanQuery): Promise<RawBuilder<any>[]> {
    const { child, parent, parentSoftDelete } = query;
    const ontoRowid =
      !parentSoftDelete && parent.columns.length === 1 && (await this.rowidKeys()).get(parent.table) === parent.columns[0] && parent.schema === SCHEMA;
    const orphans = ontoRowid ? q.orphanCountNotInRowid(query) : query.parentKeyUnique ? q.orphanCountJoin(query) : q.orphanCountNotIn(query);
    // count(*) runs first, the anti join second (in-process, one after the other): 8 ms + 69 ms in `npm run bench`.
    return [countRowsStatement(child), orphans];
  }

  protected countRowsQuery(t: TableRef) {
    return countRowsStatement(t);
  }

  protected walkKeysQuery(child: ColumnsRef, after: unknown[] | null, limit: number) {
    return walkKeysStatement(child, after, limit);
  }

  protected async packedWalkQuery(child: ColumnsRef, after: unknown[] | null, limit: number) {
    return child.columns.length === 1 ? q.walkKeysPacked(child, after, limit) : null;
  }

  protected async walkKeysPacked(child: ColumnsRef, after: unknown[] | null, limit: number): Promise<KeyPage | null> {
    const query = await this.packedWalkQuery(child, after, limit);
    if (!query) return null;
    const [row] = await this.run(query);
    const size = Number(row.size);
    if (Number(row.blobs ?? 0) > 0) return null;
    if (size === 0) return { keys: [[]], rows: [], size: 0, rowCount: 0, next: null };
    return {
      keys: [JSON.parse(row.keys) as unknown[]],
      rows: parseCounts(String(row.counts), size),
      size,
      rowCount: Number(row.row_count),
      next: size < limit ? null : [row.last],
    };
  }

  protected missingKeysQuery(parent: ColumnsRef, _plan: LookupPlan, keys: unknown[][], sd?: ParentSoftDelete) {
    return q.missingKeys(parent, keys, sd);
  }

  /** SQLite allows 32,766 bound values per statement (999 before 3.32); one more per row for its position. */
  lookupBatchSize(columnCount: number): number {
    return Math.min(5000, Math.floor(32_000 / (columnCount + 1)));
  }

  /** SQLite puts the schema on the index name, not on the table. */
  createIndexStatement(ref: ColumnsRef): string {
    return sql`CREATE INDEX ${sql.id(ref.schema, indexName(ref))} ON ${sql.id(ref.table)} (${columnNames(ref.columns)})`.compile(this.db).sql;
  }

  async partialIndexes(): Promise<PartialIndex[]> {
    const rows = await this.guard(() => this.run(partialIndexesQuery));
    const byIndex = new Map<string, PartialIndex>();
    for (const r of rows) {
      let idx = byIndex.get(r.idx);
      if (!idx) byIndex.set(r.idx, (idx = { schema: SCHEMA, table: r.tbl, name: r.idx, columns: [], unique: Number(r.is_unique) === 1, predicate: predicateOf(r.ddl) }));
      if (r.col != null) idx.columns.push(r.col);
    }
    return [...byIndex.values()];
  }

  partialIndexStatement(ref: ColumnsRef, stamp: string, opts: { unique: boolean; live: boolean }): string {
    const name = indexName({ ...ref, columns: [...ref.columns, opts.live ? "live" : "deleted"] });
    return sql`CREATE ${opts.unique ? sql`UNIQUE ` : sql``}INDEX ${sql.id(ref.schema, name)} ON ${sql.id(ref.table)} (${columnNames(ref.columns)}) WHERE ${sql.id(stamp)} IS ${opts.live ? sql`NULL` : sql`NOT NULL`}`.compile(this.db).sql;
  }

  protected async closeDriver() {
    await this.db.destroy();
  }
}

interface SqliteColumn extends ColumnInfo {
  pk: number;
}
