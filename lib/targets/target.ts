import type { RawBuilder } from "kysely";
import { maxConnectionsOf, type TargetSpec } from "../config/types";
import { columnsOf } from "./catalog";
import { sql } from "kysely";
import type { Adapter, Constraints, Introspector, Statements, TargetDialect } from "./dialect";
import { TargetError } from "./errors";
import { lookUpInBatches, impossibleKeys, missingOrds } from "./missing-keys";
import { pageFromRows } from "./page";
import { Session } from "./session";
import { sharedDriver } from "./shared-drivers";
import { countNullKeysStatement, countRowsStatement, holdsNullKeys, keyAtOffsetStatement, walkKeysStatement } from "./sql";
import type {
  ColumnsRef,
  ForeignKeyToAdd,
  KeyPage,
  MigrationStep,
  LiveKeysAsker,
  LoadReading,
  OrphanCount,
  DeleteReturning,
  KeyLists,
  OrphanProbe,
  ParentSoftDelete,
  SameTargetOrphanQuery,
  ScanBound,
  TableRef,
  Target,
  TargetTransaction,
} from "./types";

/** Opens a target of this dialect: its driver, and the session, introspector and statements over it. */
export async function openWith<I extends Introspector>(dialect: TargetDialect<I>, spec: TargetSpec): Promise<Target> {
  // A server's pool is the process's (maxConnections per target per process); an in-process database has its one session.
  const driver = dialect.adapter.inProcess ? await dialect.openDriver(spec) : await sharedDriver(driverKey(spec), () => dialect.openDriver(spec));
  const session = new Session(spec.name, driver, dialect.mapError);
  const catalog = dialect.createIntrospector(session);
  return new ComposedTarget(
    session,
    dialect.adapter,
    catalog,
    dialect.createStatements(catalog),
    dialect.createConstraints(session, catalog),
    dialect.readLoad,
  );
}

/** One pool per target, URL and limit: a reloaded config that changes either gets a new pool. */
function driverKey(spec: TargetSpec): string {
  return JSON.stringify([spec.name, spec.url, maxConnectionsOf(spec)]);
}

/**
 * The one Target: what every dialect shares (error mapping, batching, the order of
 * statements in-process) over the parts a dialect supplies. Not subclassed: a dialect
 * differs only through its parts (dialect.ts).
 */
class ComposedTarget implements Target {
  readonly name: string;
  readonly inProcess: boolean;
  readonly rowLocks: boolean;
  readonly deleteRechecksLatest: boolean;
  readonly deleteReturning: DeleteReturning;
  readonly implicitRowKey: string | null;
  readonly orphanProbe: OrphanProbe;
  readonly keyLists: KeyLists;
  readonly writesHeldByTransaction: boolean;

  constructor(
    private readonly session: Session,
    private readonly adapter: Adapter,
    private readonly catalog: Introspector,
    private readonly statements: Statements,
    private readonly constraints: Constraints,
    private readonly load?: (session: Session) => Promise<LoadReading>,
  ) {
    this.name = session.name;
    ({
      inProcess: this.inProcess,
      rowLocks: this.rowLocks,
      deleteRechecksLatest: this.deleteRechecksLatest,
      deleteReturning: this.deleteReturning,
      implicitRowKey: this.implicitRowKey,
      orphanProbe: this.orphanProbe,
      keyLists: this.keyLists,
    } = adapter);
    this.writesHeldByTransaction = !!statements.beginHoldingWrites;
  }

  defaultSchema() {
    return this.catalog.defaultSchema();
  }
  foreignKeys() {
    return this.catalog.foreignKeys();
  }
  columns() {
    return this.catalog.columns();
  }
  uniqueKeys() {
    return this.catalog.uniqueKeys();
  }
  indexes() {
    return this.catalog.indexes();
  }
  partialIndexes() {
    return this.catalog.partialIndexes();
  }
  serverVersion() {
    return this.session.guard(() => this.catalog.serverVersion());
  }
  privileges(tables: TableRef[]) {
    return this.session.guard(() => this.catalog.privileges(tables));
  }

  /** The declared types of some columns, in order ("" when unknown). */
  async columnTypes(ref: ColumnsRef): Promise<string[]> {
    return columnsOf(await this.columns(), ref).map((c) => c?.dataType ?? "");
  }

  /**
   * Runs the dialect's statements for one relation: at once on a server (the row count
   * takes a second connection while the anti join runs), in turn in-process.
   */
  async countOrphans(q: SameTargetOrphanQuery, bound?: ScanBound): Promise<OrphanCount> {
    const counts = await this.session.guard(() => this.statements.orphanCounts(q));
    // a range of the reference columns open at its start also counts the rows whose key has a NULL column (no range holds them)
    const nullKeys = holdsNullKeys(q) ? countNullKeysStatement(q.child) : null;
    const statements = nullKeys ? [...counts, nullKeys] : counts;
    const rows = this.inProcess
      ? await statements.reduce<Promise<any[]>>(async (acc, s) => [...(await acc), (await this.scanRun(s, bound))[0]], Promise.resolve([]))
      : await Promise.all(statements.map(async (s) => (await this.scanRun(s, bound))[0]));
    let orphans = 0;
    let childRows = 0;
    const nullKeyRows = nullKeys ? Number(rows.pop().n) : 0;
    for (const row of rows) {
      // each statement yields orphans, child_rows, or n (a plain row count: child rows)
      if (row.orphans != null) orphans = Number(row.orphans);
      if (row.child_rows != null) childRows = Number(row.child_rows);
      else if (row.n != null) childRows = Number(row.n);
    }
    return { orphans, childRows: childRows + nullKeyRows };
  }

  async countRows(table: TableRef): Promise<number> {
    const [row] = await this.session.run(countRowsStatement(table));
    return Number(row.n);
  }

  async countNullKeys(ref: ColumnsRef, bound?: ScanBound): Promise<number> {
    const [row] = await this.scanRun(countNullKeysStatement(ref), bound);
    return Number(row.n);
  }

  async estimateRows(table: TableRef): Promise<number | null> {
    const [row] = await this.session.run(this.statements.estimateRows(table));
    const n = row?.n == null ? null : Number(row.n);
    return n == null || !Number.isFinite(n) || n < 0 ? null : Math.round(n);
  }

  async keyAtOffset(ref: ColumnsRef, after: unknown[] | null, upTo: unknown[] | null, offset: number, bound?: ScanBound): Promise<unknown[] | null> {
    const [row] = await this.scanRun(keyAtOffsetStatement(ref, after, upTo, offset), bound);
    return row ? ref.columns.map((_, i) => row[`k${i}`]) : null;
  }

  /** A page as one aggregate row where the dialect packs this key, else a row per key. */
  async walkKeys(child: ColumnsRef, after: unknown[] | null, limit: number, opts: ScanBound & { upTo?: unknown[] | null } = {}): Promise<KeyPage> {
    const packed = await this.session.guard(async () => {
      const walk = await this.statements.packedWalk(child, after, limit, opts.upTo);
      return walk && walk.page((await this.scanRun(walk.statement, opts))[0]);
    });
    if (packed) return packed;
    const rows = await this.scanRun(walkKeysStatement(child, after, limit, opts.upTo), opts);
    return pageFromRows(rows, child.columns.length, limit);
  }

  /**
   * A scanning statement, stopped after `bound.timeoutMs` where the dialect can: in its own
   * text, or in a transaction of its own that sends the limit first.
   */
  private async scanRun<R>(statement: RawBuilder<R>, bound?: ScanBound): Promise<R[]> {
    const ms = bound?.timeoutMs;
    if (!ms) return this.session.run(statement);
    const b = await this.session.guard(() => this.statements.bounded(statement, ms));
    if (!b.limits.length) return this.session.run(b.statement as RawBuilder<R>);
    return this.session.transaction(b.limits, (tx) => tx.query(b.statement as RawBuilder<R>));
  }

  /**
   * Looks keys up in batches within the driver's parameter limits, several batches at
   * once on a server (a server's pool has 4 connections: two), one after another in-process.
   */
  async missingKeys(parent: ColumnsRef, keys: unknown[][], size: number, softDelete?: ParentSoftDelete, bound?: ScanBound): Promise<number[]> {
    if (size === 0) return [];
    const lookup = await this.session.guard(() => this.statements.lookup(parent, softDelete));
    // Keys no row of the parent's column types could hold are missing without asking.
    const types = this.adapter.typedColumns ? await this.columnTypes(parent) : [];
    return lookUpInBatches({
      keys,
      size,
      impossible: impossibleKeys(types, keys, size),
      batch: this.adapter.lookupBatchSize(parent.columns.length),
      concurrency: this.inProcess ? 1 : 2,
      ask: async (slice) => missingOrds(await this.scanRun(lookup.batch(slice), bound)),
    });
  }

  async liveKeysWithin(parent: ColumnsRef, softDelete?: ParentSoftDelete): Promise<LiveKeysAsker> {
    const lookup = await this.session.guard(() => this.statements.lookup(parent, softDelete));
    const types = this.adapter.typedColumns ? await this.columnTypes(parent) : [];
    const batch = this.adapter.lookupBatchSize(parent.columns.length);
    return async (tx, keys, size) => {
      if (size === 0) return [];
      const impossible = impossibleKeys(types, keys, size);
      if (!lookup.present || impossible) {
        // Every key not missing; where the dialect only asks for missing keys, or some could not be asked as they are.
        const missing = new Set(
          await lookUpInBatches({ keys, size, impossible, batch, concurrency: 1, ask: async (slice) => missingOrds(await tx.query(lookup.batch(slice))) }),
        );
        return Array.from({ length: size }, (_, i) => i).filter((i) => !missing.has(i));
      }
      // Asked the other way round: a re-check expects no key to be there, and gets an empty answer.
      const live: number[] = [];
      for (let start = 0; start < size; start += batch) {
        const slice = start === 0 && size <= batch ? keys : keys.map((column) => column.slice(start, start + batch));
        for (const ord of missingOrds(await tx.query(lookup.present(slice)))) live.push(start + ord - 1);
      }
      return live.sort((a, b) => a - b);
    };
  }

  parseKeyValue(type: string, text: string) {
    return this.adapter.parseKeyValue(type, text);
  }

  lookupBatchSize(columnCount: number): number {
    return this.adapter.lookupBatchSize(columnCount);
  }

  createIndexStatement(ref: ColumnsRef): string {
    return this.session.compile(this.statements.createIndex(ref));
  }

  partialIndexStatement(ref: ColumnsRef, stamp: string, opts: { unique: boolean; live: boolean }): string | null {
    const statement = this.statements.partialIndex(ref, stamp, opts);
    return statement && this.session.compile(statement);
  }

  async countStatements(q: SameTargetOrphanQuery): Promise<string[]> {
    const statements = await this.session.guard(() => this.statements.orphanCounts(q));
    return statements.map((s) => this.session.compile(s));
  }

  /** The page statement a walk sends: the packed one where the dialect packs this key, else a row per key. */
  async walkStatement(child: ColumnsRef): Promise<string> {
    const after = child.columns.map(() => "…");
    const packed = await this.session.guard(() => this.statements.packedWalk(child, after, 20_000));
    return this.session.compile(packed?.statement ?? walkKeysStatement(child, after, 20_000));
  }

  async lookupStatement(parent: ColumnsRef, softDelete?: ParentSoftDelete): Promise<string> {
    const lookup = await this.session.guard(() => this.statements.lookup(parent, softDelete));
    return this.session.compile(lookup.shown);
  }

  enforcedForeignKeys() {
    return this.session.guard(() => this.constraints.enforced());
  }

  foreignKeyMigration(table: TableRef, fks: ForeignKeyToAdd[], lockTimeoutMs: number): Promise<MigrationStep[]> {
    return this.session.guard(() => this.constraints.migration(table, fks, lockTimeoutMs, (s) => this.session.compile(s)));
  }

  /**
   * The step's statements as compiled by foreignKeyMigration (identifiers quoted, no
   * parameters), in order on one connection. When one fails, the step's onFailure statements
   * (ROLLBACK, settings put back) run before the error is passed on.
   */
  async runMigrationStep(step: MigrationStep): Promise<void> {
    await this.session.onOneConnection(async (run) => {
      for (const statement of step.statements) {
        try {
          const rows = await run(sql.raw(statement.sql));
          if (statement.expectNoRows && rows.length > 0) {
            throw new TargetError("query_failed", this.name, `${this.name}: ${statement.sql} returned ${rows.length} row(s), expected none`);
          }
        } catch (err) {
          for (const undo of step.onFailure) await run(sql.raw(undo)).catch(() => {});
          throw err;
        }
      }
    });
  }

  query<R>(statement: RawBuilder<R>): Promise<R[]> {
    return this.session.run(statement);
  }

  parentLive(alias: string, softDelete?: ParentSoftDelete) {
    return this.statements.parentLive(alias, softDelete);
  }

  deleteFromAliased(table: TableRef, alias: string) {
    return this.statements.deleteFromAliased(table, alias);
  }

  transaction<T>(timeoutMs: number, fn: (tx: TargetTransaction) => Promise<T>): Promise<T> {
    return this.session.transaction(this.statements.timeouts(timeoutMs), fn);
  }

  transactionHoldingWrites<T>(timeoutMs: number, fn: (tx: TargetTransaction) => Promise<T>): Promise<T> {
    const begin = this.statements.beginHoldingWrites?.();
    if (!begin) throw new Error(`${this.name}: a transaction here cannot hold the whole database's writes (Target.writesHeldByTransaction)`);
    return this.session.transactionBegunBy(begin, this.statements.timeouts(timeoutMs), fn);
  }

  async readLoad(): Promise<LoadReading> {
    return this.load ? this.session.guard(() => this.load!(this.session)) : { replicaLagMs: null, threadsRunning: null };
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
