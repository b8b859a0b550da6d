import type { Kysely, RawBuilder } from "kysely";
import { sql } from "kysely";
import type { Dialect } from "../../config/types";
import { BaseTarget, type LookupPlan } from "../base";
import type { SerialLock } from "../serial";
import { integerBounds, typeFamily } from "../keys";
import { parseCounts } from "../page";
import { antiJoinCountStatement, columnNames, countRowsStatement, indexName, parentLive, tableId, walkKeysStatement } from "../sql";
import type { ColumnsRef, KeyPage, PartialIndex, ParentSoftDelete, SameTargetOrphanQuery, TableRef } from "../types";
import * as catalog from "./introspect";
import { partialIndexesQuery } from "./partial-indexes";
import { mapPostgresError } from "./errors";
import { parsePostgresKeyValue } from "./key-values";
import * as q from "./sql";

/** PostgreSQL semantics; the driver (pg pool or PGlite) is supplied by the subclass. */
export abstract class PostgresFamilyTarget extends BaseTarget {
  constructor(name: string, dialect: Dialect, db: Kysely<any>, serial: SerialLock | null = null) {
    super(name, dialect, db, serial);
  }

  /** EvalPlanQual re-checks a waited-for row, but its subqueries keep the statement's snapshot (see Target). */
  readonly deleteRechecksLatest = false;

  protected mapError(err: unknown) {
    return mapPostgresError(this.name, err);
  }

  parseKeyValue(type: string, text: string) {
    return parsePostgresKeyValue(type, text);
  }

  /** SET LOCAL: the limits end with the transaction, never leak into the pool's next user. */
  protected timeoutStatements(ms: number) {
    return [sql`SET LOCAL statement_timeout = ${sql.lit(Math.trunc(ms))}`, sql`SET LOCAL lock_timeout = ${sql.lit(Math.trunc(ms))}`];
  }

  protected async loadDefaultSchema() {
    const [row] = await this.run(catalog.defaultSchemaQuery);
    return row.schema;
  }

  protected async loadForeignKeys() {
    const rows = await this.run(catalog.foreignKeysQuery);
    return rows.map((r) => ({
      constraint: r.constraint,
      child: { schema: r.child_schema, table: r.child_table, columns: r.child_columns },
      parent: { schema: r.parent_schema, table: r.parent_table, columns: r.parent_columns },
    }));
  }

  protected async loadColumns() {
    const rows = await this.run(catalog.columnsQuery);
    // castType: the type without its size (varchar(36) → character varying), so a cast
    // of a longer child key never truncates it into a match with a parent's prefix.
    return rows.map((r) => ({ schema: r.schema, table: r.table, column: r.column, dataType: r.data_type, castType: r.base_type, nullable: r.nullable }));
  }

  protected async lookupPlan(parent: ColumnsRef): Promise<LookupPlan> {
    const all = await this.columns();
    const types = parent.columns.map((c) => {
      const col = all.find((x) => x.schema === parent.schema && x.table === parent.table && x.column === c) as { castType?: string } | undefined;
      return col?.castType ?? "";
    });
    return { types };
  }

  protected async loadUniqueKeys() {
    const rows = await this.run(catalog.indexesQuery);
    return rows
      .filter((r) => r.is_unique)
      .map((r) => ({ schema: r.schema, table: r.table, columns: r.columns, primary: r.is_primary }));
  }

  protected async loadIndexes() {
    const rows = await this.run(catalog.indexesQuery);
    return rows.map((r) => ({ schema: r.schema, table: r.table, columns: r.columns, name: r.name }));
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

  protected async packedWalkQuery(child: ColumnsRef, after: unknown[] | null, limit: number) {
    if (child.columns.length !== 1) return null;
    const [type] = await this.columnTypes(child);
    const family = type ? typeFamily(type) : "other";
    if (family !== "integer" && family !== "text") return null;
    return q.walkKeysPacked(child, after, limit, family === "text" ? "json" : "list");
  }

  protected async walkKeysPacked(child: ColumnsRef, after: unknown[] | null, limit: number): Promise<KeyPage | null> {
    const query = await this.packedWalkQuery(child, after, limit);
    if (!query) return null;
    const [row] = await this.run(query);
    const size = Number(row.size);
    if (size === 0) return { keys: [[]], rows: [], size: 0, rowCount: 0, next: null };
    // (pg parses a json column itself)
    const keys = typeof row.keys === "string" ? row.keys.split(",") : (row.keys as string[]);
    if (keys.length !== size) throw new Error(`walk page: ${keys.length} keys listed for ${size}`);
    return { keys: [keys], rows: parseCounts(String(row.counts), size), size, rowCount: Number(row.row_count), next: size < limit ? null : [row.last] };
  }

  /** As it runs: a one-column integer lookup carries its batch's least and greatest key. */
  async lookupStatement(parent: ColumnsRef, softDelete?: ParentSoftDelete): Promise<string> {
    const plan = await this.lookupPlan(parent);
    const bounds: [string, string] | null = parent.columns.length === 1 && plan.types[0] && typeFamily(plan.types[0]) === "integer" ? ["…", "…"] : null;
    return q.missingKeys(parent, plan.types, parent.columns.map(() => ["…"]), softDelete, bounds).compile(this.db).sql;
  }

  protected missingKeysQuery(parent: ColumnsRef, plan: LookupPlan, keys: unknown[][], sd?: ParentSoftDelete) {
    const bounds = keys.length === 1 && typeFamily(plan.types[0] ?? "") === "integer" && plan.types[0] ? integerBounds(keys[0]) : null;
    return q.missingKeys(parent, plan.types, keys, sd, bounds);
  }

  /** One text[] per column is one parameter whatever its length; 5K keys keep each lookup short. */
  lookupBatchSize(): number {
    return 5000;
  }

  createIndexStatement(ref: ColumnsRef): string {
    return sql`CREATE INDEX CONCURRENTLY ${sql.id(indexName(ref))} ON ${tableId(ref)} (${columnNames(ref.columns)})`.compile(this.db).sql;
  }

  partialIndexes(): Promise<PartialIndex[]> {
    return this.guard(async () =>
      (await this.run(partialIndexesQuery)).map((r) => ({ schema: r.schema, table: r.table, name: r.name, columns: r.columns, unique: r.is_unique, predicate: r.predicate })),
    );
  }

  partialIndexStatement(ref: ColumnsRef, stamp: string, opts: { unique: boolean; live: boolean }): string {
    const name = indexName({ ...ref, columns: [...ref.columns, opts.live ? "live" : "deleted"] });
    return sql`CREATE ${opts.unique ? sql`UNIQUE ` : sql``}INDEX CONCURRENTLY ${sql.id(name)} ON ${tableId(ref)} (${columnNames(ref.columns)}) WHERE ${sql.id(stamp)} IS ${opts.live ? sql`NULL` : sql`NOT NULL`}`.compile(this.db).sql;
  }
}
