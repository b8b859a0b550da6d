import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Dialect } from "../config/types";
import { TargetError } from "./errors";
import { cannotBeOfFamily, integerRange, outsideRange, typeFamily } from "./keys";
import type { KeyValueParse } from "./key-values";
import { pageFromRows, parseCounts } from "./page";
import { SerialDeadlock, type SerialLock } from "./serial";
import { countNullKeysStatement, parentLive, tableId } from "./sql";
import type {
  ColumnInfo,
  ColumnsRef,
  DeclaredForeignKey,
  IndexInfo,
  KeyPage,
  PartialIndex,
  OrphanCount,
  ParentSoftDelete,
  SameTargetOrphanQuery,
  TableRef,
  Target,
  TargetTransaction,
  UniqueKey,
} from "./types";

/** Per-parent facts a lookup statement is built from. */
export interface LookupPlan {
  /** Declared column types, in key order ("" when unknown). */
  types: string[];
  /** MySQL: the server has JSON_TABLE (MySQL 8, MariaDB 10.6+). */
  jsonTable?: boolean;
}

/**
 * What every dialect shares: caching of the catalog, error mapping around every
 * statement. Subclasses supply the SQL (one small builder per statement).
 */
export abstract class BaseTarget implements Target {
  private cache = new Map<string, Promise<unknown>>();

  constructor(
    readonly name: string,
    readonly dialect: Dialect,
    readonly db: Kysely<any>,
    /**
     * In-process databases: the turn every statement and transaction on this database
     * takes, shared with every other Target open on it in the process (see serial.ts).
     * Null on a server, whose connections the server itself keeps apart.
     */
    protected readonly serial: SerialLock | null = null,
  ) {}

  protected abstract mapError(err: unknown): TargetError;
  protected abstract loadDefaultSchema(): Promise<string>;
  protected abstract loadForeignKeys(): Promise<DeclaredForeignKey[]>;
  protected abstract loadColumns(): Promise<ColumnInfo[]>;
  protected abstract loadUniqueKeys(): Promise<UniqueKey[]>;
  protected abstract loadIndexes(): Promise<IndexInfo[]>;
  protected abstract orphanCountQueries(q: SameTargetOrphanQuery): RawBuilder<any>[] | Promise<RawBuilder<any>[]>;
  protected abstract walkKeysQuery(child: ColumnsRef, after: unknown[] | null, limit: number): RawBuilder<any>;
  /** The lookup of one batch of keys, given column by column (`keys[c][i]`). */
  protected abstract missingKeysQuery(
    parent: ColumnsRef,
    plan: LookupPlan,
    keys: unknown[][],
    softDelete?: ParentSoftDelete,
  ): RawBuilder<{ ord: number | string } | { ords: string | null }>;

  /** What a dialect needs to know before building lookups into `parent` (by default, its column types). */
  protected async lookupPlan(parent: ColumnsRef): Promise<LookupPlan> {
    return { types: await this.columnTypes(parent) };
  }
  abstract readonly inProcess: boolean;
  abstract lookupBatchSize(columnCount: number): number;
  abstract parseKeyValue(type: string, text: string): KeyValueParse;
  abstract createIndexStatement(ref: ColumnsRef): string;

  /** MySQL and MariaDB have no partial indexes; the dialects that do override both. */
  partialIndexes(): Promise<PartialIndex[]> {
    return Promise.resolve([]);
  }
  partialIndexStatement(_ref: ColumnsRef, _stamp: string, _opts: { unique: boolean; live: boolean }): string | null {
    return null;
  }
  protected abstract closeDriver(): Promise<void>;

  /** Runs a statement, turning driver errors into TargetError. */
  protected async run<R>(query: RawBuilder<R>): Promise<R[]> {
    try {
      const result = await this.inTurn((db) => query.execute(db));
      return result.rows;
    } catch (err) {
      throw this.targetError(err);
    }
  }

  /**
   * Runs one statement in this database's turn (at once on a server), through the
   * transaction this async context has open on the database if any: on one session that
   * is where it runs anyway, and waiting for that transaction to end would never end.
   */
  private inTurn<T>(fn: (db: Kysely<any>) => Promise<T>): Promise<T> {
    const lock = this.serial;
    if (!lock) return fn(this.db);
    const open = lock.openTransaction();
    return open ? fn(open) : lock.turn(() => fn(this.db));
  }

  protected async guard<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      throw this.targetError(err);
    }
  }

  /** Driver errors mapped by the dialect; a wait refused as a deadlock is "locked", like a server's deadlock (retried where locks are). */
  private targetError(err: unknown): TargetError {
    if (err instanceof TargetError) return err;
    if (err instanceof SerialDeadlock) return new TargetError("locked", this.name, `${this.name}: ${err.message}`, err);
    return this.mapError(err);
  }

  protected cached<R>(key: string, load: () => Promise<R>): Promise<R> {
    let hit = this.cache.get(key) as Promise<R> | undefined;
    if (!hit) {
      hit = this.guard(load);
      this.cache.set(key, hit);
      hit.catch(() => this.cache.delete(key));
    }
    return hit;
  }

  defaultSchema() {
    return this.cached("schema", () => this.loadDefaultSchema());
  }
  foreignKeys() {
    return this.cached("fks", () => this.loadForeignKeys());
  }
  columns() {
    return this.cached("columns", () => this.loadColumns());
  }
  uniqueKeys() {
    return this.cached("unique", () => this.loadUniqueKeys());
  }
  indexes() {
    return this.cached("indexes", () => this.loadIndexes());
  }

  /**
   * Runs the dialect's statements for one relation: at once on a server (the row count
   * takes a second connection while the anti join runs), in turn in-process.
   */
  async countOrphans(q: SameTargetOrphanQuery): Promise<OrphanCount> {
    const statements = await this.guard(async () => this.orphanCountQueries(q));
    const rows = this.inProcess
      ? await statements.reduce<Promise<any[]>>(async (acc, s) => [...(await acc), (await this.run(s))[0]], Promise.resolve([]))
      : await Promise.all(statements.map(async (s) => (await this.run(s))[0]));
    let orphans = 0;
    let childRows = 0;
    for (const row of rows) {
      // each statement yields orphans, child_rows, or n (a plain row count: child rows)
      if (row.orphans != null) orphans = Number(row.orphans);
      if (row.child_rows != null) childRows = Number(row.child_rows);
      else if (row.n != null) childRows = Number(row.n);
    }
    return { orphans, childRows };
  }

  async countRows(table: TableRef): Promise<number> {
    const [row] = await this.run(this.countRowsQuery(table));
    return Number(row.n);
  }

  protected abstract countRowsQuery(table: TableRef): RawBuilder<{ n: number | string }>;

  async countNullKeys(ref: ColumnsRef): Promise<number> {
    const [row] = await this.run(countNullKeysStatement(ref));
    return Number(row.n);
  }

  async walkKeys(child: ColumnsRef, after: unknown[] | null, limit: number): Promise<KeyPage> {
    const packed = await this.guard(() => this.walkKeysPacked(child, after, limit));
    if (packed) return packed;
    const rows = await this.run(this.walkKeysQuery(child, after, limit));
    return pageFromRows(rows, child.columns.length, limit);
  }

  /**
   * A dialect's cheaper walk for the keys it can ship as one aggregate row (see page.ts),
   * or null to walk a row per key.
   */
  protected async walkKeysPacked(_child: ColumnsRef, _after: unknown[] | null, _limit: number): Promise<KeyPage | null> {
    return null;
  }

  /** The statement walkKeysPacked sends for this key, or null where it walks a row per key. */
  protected async packedWalkQuery(_child: ColumnsRef, _after: unknown[] | null, _limit: number): Promise<RawBuilder<unknown> | null> {
    return null;
  }

  /** How many lookups of one missingKeys call run at once (a server's pool has 4 connections). */
  protected lookupConcurrency(): number {
    return this.inProcess ? 1 : 2;
  }

  /**
   * Looks keys up in batches within the driver's parameter limits, several batches at
   * once on a server (lookupConcurrency), one after another in-process.
   */
  async missingKeys(parent: ColumnsRef, keys: unknown[][], size: number, softDelete?: ParentSoftDelete): Promise<number[]> {
    if (size === 0) return [];
    const plan = await this.lookupPlan(parent);
    // Keys no row of the parent's column types could hold are missing without asking.
    const types = this.typedColumns ? await this.columnTypes(parent) : [];
    let impossible: Uint8Array | null = null;
    types.forEach((type, c) => {
      const family = typeFamily(type);
      if (family !== "integer" && family !== "uuid") return;
      const range = family === "integer" ? integerRange(type) : null;
      const column = keys[c];
      for (let i = 0; i < size; i++) {
        if (cannotBeOfFamily(column[i], family) || (range && outsideRange(column[i], range))) (impossible ??= new Uint8Array(size))[i] = 1;
      }
    });
    const missing: number[] = [];
    let ask = keys;
    let askAt: number[] | null = null; // position in `keys` of each asked key, when some are not asked
    if (impossible) {
      const flags: Uint8Array = impossible;
      askAt = [];
      for (let i = 0; i < size; i++) (flags[i] ? missing : askAt).push(i);
      const at = askAt;
      ask = keys.map((column) => at.map((i) => column[i]));
    }
    const asking = askAt ? askAt.length : size;
    const batch = this.lookupBatchSize(parent.columns.length);
    let next = 0;
    const worker = async () => {
      while (next < asking) {
        const start = next;
        next += batch;
        const slice = start === 0 && next >= asking ? ask : ask.map((column) => column.slice(start, start + batch));
        const rows = await this.run(this.missingKeysQuery(parent, plan, slice, softDelete));
        // a row per missing key (its 1-based position in the batch), or one row listing them
        const ords = rows.length === 1 && "ords" in rows[0] ? (rows[0].ords == null ? [] : parseCounts(rows[0].ords)) : rows.map((r) => Number((r as { ord: unknown }).ord));
        for (const ord of ords) {
          const i = start + ord - 1;
          missing.push(askAt ? askAt[i] : i);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.lookupConcurrency(), Math.ceil(asking / batch)) }, worker));
    return missing.sort((a, b) => a - b);
  }

  /**
   * Whether a column's declared type bounds what it holds. SQLite's does not (an
   * INTEGER column can hold "abc"), so it answers for every key itself.
   */
  protected readonly typedColumns: boolean = true;

  /** The declared types of some columns, in order ("" when unknown). */
  async columnTypes(ref: ColumnsRef): Promise<string[]> {
    const all = await this.columns();
    return ref.columns.map(
      (c) => all.find((x) => x.schema === ref.schema && x.table === ref.table && x.column === c)?.dataType ?? "",
    );
  }

  async countStatements(q: SameTargetOrphanQuery): Promise<string[]> {
    const statements = await this.guard(async () => this.orphanCountQueries(q));
    return statements.map((s) => s.compile(this.db).sql);
  }

  /** The page statement a walk sends: the packed one where the dialect packs this key, else a row per key. */
  async walkStatement(child: ColumnsRef): Promise<string> {
    const after = child.columns.map(() => "…");
    const packed = await this.guard(() => this.packedWalkQuery(child, after, 20_000));
    return (packed ?? this.walkKeysQuery(child, after, 20_000)).compile(this.db).sql;
  }

  async lookupStatement(parent: ColumnsRef, softDelete?: ParentSoftDelete): Promise<string> {
    const plan = await this.lookupPlan(parent);
    return this.missingKeysQuery(parent, plan, parent.columns.map(() => ["…"]), softDelete).compile(this.db).sql;
  }

  query<R>(statement: RawBuilder<R>): Promise<R[]> {
    return this.run(statement);
  }

  parentLive(alias: string, softDelete?: ParentSoftDelete): RawBuilder<unknown> {
    return parentLive(alias, softDelete);
  }

  readonly rowLocks: boolean = true;

  readonly deleteRechecksLatest: boolean = true;

  readonly implicitRowKey: string | null = null;

  deleteFromAliased(table: TableRef, alias: string): RawBuilder<unknown> {
    return sql`DELETE FROM ${tableId(table)} AS ${sql.id(alias)}`;
  }

  readonly orphanProbe: "not_exists" | "count" = "not_exists";

  /** Statements that bound each statement of the current transaction to `ms` (none where the dialect has no such setting). */
  protected timeoutStatements(_ms: number): RawBuilder<unknown>[] {
    return [];
  }

  async transaction<T>(timeoutMs: number, fn: (tx: TargetTransaction) => Promise<T>): Promise<T> {
    const lock = this.serial;
    if (!lock) return this.guard(() => this.db.transaction().execute((trx) => this.begun(trx, timeoutMs, fn)));
    const outer = lock.openTransaction();
    if (outer) return this.guard(() => this.savepoint(outer, fn));
    // The turn is held from BEGIN to COMMIT or ROLLBACK: no other caller's statement runs in between.
    return this.guard(() => lock.turn(() => this.db.transaction().execute((trx) => lock.within(trx, () => this.begun(trx, timeoutMs, fn)))));
  }

  private async begun<T>(trx: Kysely<any>, timeoutMs: number, fn: (tx: TargetTransaction) => Promise<T>): Promise<T> {
    for (const s of this.timeoutStatements(timeoutMs)) await s.execute(trx);
    return fn(this.transactionOn(trx));
  }

  /**
   * A transaction asked for inside one already open on the same in-process database (in
   * this async context): a savepoint of it, so that it still commits or rolls back as a
   * whole, where a second BEGIN on the one session would not nest (PGlite would commit
   * the outer one at the inner COMMIT).
   */
  private async savepoint<T>(outer: Kysely<any>, fn: (tx: TargetTransaction) => Promise<T>): Promise<T> {
    const name = sql.id(`custodian_sp_${++savepoints}`);
    await sql`SAVEPOINT ${name}`.execute(outer);
    let result: T;
    try {
      result = await fn(this.transactionOn(outer));
    } catch (err) {
      await sql`ROLLBACK TO SAVEPOINT ${name}`.execute(outer).catch(() => {});
      await sql`RELEASE SAVEPOINT ${name}`.execute(outer).catch(() => {});
      throw err;
    }
    await sql`RELEASE SAVEPOINT ${name}`.execute(outer);
    return result;
  }

  private transactionOn(trx: Kysely<any>): TargetTransaction {
    return {
      query: async (statement) => {
        try {
          return (await statement.execute(trx)).rows;
        } catch (err) {
          throw err instanceof TargetError ? err : this.mapError(err);
        }
      },
      execute: async (statement) => {
        try {
          return Number((await statement.execute(trx)).numAffectedRows ?? 0);
        } catch (err) {
          throw err instanceof TargetError ? err : this.mapError(err);
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.closeDriver();
  }
}

/** Savepoint names, unique in the process (nested transactions are rare: a counter is enough). */
let savepoints = 0;
