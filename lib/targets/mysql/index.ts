import { Kysely, MysqlDialect, sql, type RawBuilder } from "kysely";
import { createPool } from "mysql2";
import type { TargetSpec } from "../../config/types";
import { BaseTarget, type LookupPlan } from "../base";
import { antiJoinCountStatement, columnNames, countRowsStatement, indexName, parentLive, tableId, walkKeysStatement } from "../sql";
import type { ColumnsRef, IndexInfo, ParentSoftDelete, SameTargetOrphanQuery, TableRef, UniqueKey } from "../types";
import { mapMysqlError } from "./errors";
import { parseMysqlKeyValue } from "./key-values";
import * as catalog from "./introspect";
import * as q from "./sql";

/**
 * What a JSON_TABLE column must declare to compare like the parent column: its charset
 * and collation, and for strings a width no key exceeds, so a longer child key is never
 * truncated into a match with a parent's prefix.
 */
function jsonTableDeclaration(type: string, charset: string | null, collation: string | null): string {
  const widened = type.replace(/^(var)?char\(\d+\)/i, "varchar(3072)");
  return charset && collation ? `${widened} CHARACTER SET ${charset} COLLATE ${collation}` : widened;
}

/** MySQL 8 and MariaDB 10.x (mysql2). */
export class MysqlTarget extends BaseTarget {
  readonly inProcess = false;
  // MariaDB's exists_to_in turns a cleanup's NOT EXISTS into NOT IN (subquery) and
  // materializes the parent's whole key per statement: 92 ms for a batch's candidates and
  // 250 ms for its lock at 200K parents, ~2 ms each as a correlated count (PostgreSQL keeps
  // NOT EXISTS: there the count's cost estimate switches JIT on, 150 ms).
  readonly orphanProbe = "count" as const;

  static open(spec: TargetSpec): MysqlTarget {
    const pool = createPool({
      uri: spec.url.replace(/^mariadb:/, "mysql:"),
      connectionLimit: 4,
      connectTimeout: 5000,
      // Exact big integers (ids, counts) as strings; timestamps compared in UTC.
      supportBigNumbers: true,
      bigNumberStrings: true,
      timezone: "Z",
    });
    pool.on("connection", (conn) => {
      conn.on("error", () => {});
      // TIMESTAMP columns compare in the session's zone: make it UTC, like the bound cutoffs.
      conn.query("SET time_zone = '+00:00'");
    });
    return new MysqlTarget(spec.name, "mysql", new Kysely<any>({ dialect: new MysqlDialect({ pool }) }));
  }

  /** MariaDB's single-table DELETE takes no alias: the multi-table form does, and still deletes from the one table. */
  deleteFromAliased(table: TableRef, alias: string) {
    return sql`DELETE ${sql.id(alias)} FROM ${tableId(table)} AS ${sql.id(alias)}`;
  }

  /**
   * InnoDB's lock wait, the part of a batch that can hang; the batch's own statements are
   * keyed on primary keys and bounded by the batch size. (Session-wide on this pooled
   * connection: it only ever shortens waits for locks, which scans do not take.)
   */
  protected timeoutStatements(ms: number) {
    return [sql`SET SESSION innodb_lock_wait_timeout = ${sql.lit(Math.max(1, Math.ceil(ms / 1000)))}`];
  }

  parseKeyValue(type: string, text: string) {
    return parseMysqlKeyValue(type, text);
  }

  protected mapError(err: unknown) {
    return mapMysqlError(this.name, err);
  }

  protected async loadDefaultSchema() {
    const [row] = await this.run(catalog.defaultSchemaQuery);
    return row.schema;
  }

  protected async loadForeignKeys() {
    const rows = await this.run(catalog.foreignKeysQuery);
    const byConstraint = new Map<string, (typeof rows)[number][]>();
    for (const r of rows) {
      const key = `${r.child_table}\u0000${r.constraint_name}`;
      byConstraint.set(key, [...(byConstraint.get(key) ?? []), r]);
    }
    return [...byConstraint.values()].map((parts) => ({
      constraint: parts[0].constraint_name,
      child: { schema: parts[0].child_schema, table: parts[0].child_table, columns: parts.map((p) => p.child_column) },
      parent: { schema: parts[0].parent_schema, table: parts[0].parent_table, columns: parts.map((p) => p.parent_column) },
    }));
  }

  protected async loadColumns() {
    const rows = await this.run(catalog.columnsQuery);
    return rows.map((r) => ({
      schema: r.schema,
      table: r.table,
      column: r.column,
      dataType: r.data_type,
      nullable: r.nullable === "YES",
      declaration: jsonTableDeclaration(r.data_type, r.charset, r.collation),
    }));
  }

  private jsonTable?: Promise<boolean>;

  protected async lookupPlan(parent: ColumnsRef): Promise<LookupPlan> {
    this.jsonTable ??= this.guard(async () => {
      const [row] = await this.run(catalog.versionQuery);
      return q.hasJsonTable(row.version);
    });
    const all = await this.columns();
    const types = parent.columns.map((c) => {
      const col = all.find((x) => x.schema === parent.schema && x.table === parent.table && x.column === c) as { declaration?: string } | undefined;
      return col?.declaration ?? "";
    });
    return { types, jsonTable: await this.jsonTable };
  }

  private async indexRows(): Promise<(IndexInfo & { unique: boolean; primary: boolean })[]> {
    const rows = await this.run(catalog.indexesQuery);
    const byIndex = new Map<string, IndexInfo & { unique: boolean; primary: boolean; functional: boolean }>();
    for (const r of rows) {
      const key = `${r.table}\u0000${r.name}`;
      let idx = byIndex.get(key);
      if (!idx) {
        idx = { schema: r.schema, table: r.table, name: r.name, columns: [], unique: Number(r.non_unique) === 0, primary: r.name === "PRIMARY", functional: false };
        byIndex.set(key, idx);
      }
      if (r.column == null) idx.functional = true;
      else idx.columns.push(r.column);
    }
    return [...byIndex.values()].filter((i) => !i.functional);
  }

  protected async loadUniqueKeys(): Promise<UniqueKey[]> {
    return (await this.indexRows())
      .filter((i) => i.unique)
      .map((i) => ({ schema: i.schema, table: i.table, columns: i.columns, primary: i.primary }));
  }

  protected async loadIndexes(): Promise<IndexInfo[]> {
    return (await this.indexRows()).map(({ schema, table, name, columns }) => ({ schema, table, name, columns }));
  }

  protected orphanCountQueries(query: SameTargetOrphanQuery): RawBuilder<any>[] {
    return query.parentKeyUnique
      ? [q.orphanCountOnePass(query)]
      : [countRowsStatement(query.child), antiJoinCountStatement(query, parentLive("p", query.parentSoftDelete))];
  }

  protected countRowsQuery(t: TableRef) {
    return countRowsStatement(t);
  }

  protected walkKeysQuery(child: ColumnsRef, after: unknown[] | null, limit: number) {
    return walkKeysStatement(child, after, limit);
  }

  // No packed walk here: one GROUP_CONCAT of "key,count" per page (derived table, then
  // the concatenation) took 244 ms against 213–239 ms a row per key (`npm run bench`,
  // MariaDB 10.11, 218K keys in 20K-key pages): the server's GROUP BY is the cost.

  protected missingKeysQuery(parent: ColumnsRef, plan: LookupPlan, keys: unknown[][], sd?: ParentSoftDelete) {
    return plan.jsonTable && q.jsonTableDeclarable(plan.types)
      ? q.missingKeysJsonTable(parent, plan.types, keys, sd)
      : q.missingKeysUnion(parent, plan.types, keys, sd);
  }

  /** One JSON parameter per lookup (≤ max_allowed_packet); placeholders cap at 65,535 for the fallback. */
  lookupBatchSize(columnCount: number): number {
    return Math.min(5000, Math.floor(60_000 / columnCount));
  }

  createIndexStatement(ref: ColumnsRef): string {
    return sql`CREATE INDEX ${sql.id(indexName(ref))} ON ${tableId(ref)} (${columnNames(ref.columns)}) ALGORITHM=INPLACE LOCK=NONE`.compile(this.db).sql;
  }

  protected async closeDriver() {
    await this.db.destroy();
  }
}
