import type { RawBuilder } from "kysely";
import type { TargetSpec } from "../config/types";
import type { Driver } from "./driver";
import type { KeyValueParse } from "./features/key-values";
import type { ErrorMapper, Session } from "./session";
import type {
  ColumnInfo,
  ColumnsRef,
  DeclaredForeignKey,
  EnforcedForeignKey,
  ForeignKeyToAdd,
  IndexInfo,
  MigrationStep,
  KeyPage,
  LoadReading,
  DeleteReturning,
  KeyLists,
  OrphanProbe,
  ParentSoftDelete,
  PartialIndex,
  SameTargetOrphanQuery,
  TablePrivileges,
  TableRef,
  UniqueKey,
} from "./types";

// A dialect is split the way Kysely splits one (src/dialect/<dialect>/): every folder
// (postgres, mysql, sqlite; pglite reuses postgres's parts with its own driver) holds the
// same files, and target.ts composes them into the one Target implementation:
//
//   driver.ts        opens the connection (pool or in-process database) and closes it
//   introspector.ts  the catalog queries and their typed rows
//   statements.ts    the statements whose SQL differs by dialect (counts, walks, lookups, DDL)
//   adapter.ts       capability flags the dialect-neutral code branches on
//   constraints.ts   the foreign keys it enforces, and the migration adding one safely
//   errors.ts        driver errors named as TargetError kinds
//   key-values.ts    a typed key value read by the dialect's type rules
//   index.ts         the dialect: those parts, nothing else
//
// Statements that are the same in every dialect stay out of these folders: shared
// fragments in sql.ts, and the statement sets of one feature each (cleanup, soft delete,
// the erasure's subject walk, rows, key values) in features/, since what a feature asks
// of a target reads best in one place, and a dialect's difference reaches it only through
// the Target (parentLive, deleteFromAliased, orphanProbe…).

/** What a dialect can and cannot do (Kysely's DialectAdapter): the flags Target exposes, and the limits of its driver. */
export interface Adapter {
  readonly inProcess: boolean;
  readonly rowLocks: boolean;
  readonly deleteRechecksLatest: boolean;
  readonly deleteReturning: DeleteReturning;
  readonly implicitRowKey: string | null;
  readonly orphanProbe: OrphanProbe;
  readonly keyLists: KeyLists;
  /**
   * Whether a column's declared type bounds what it holds. SQLite's does not (an
   * INTEGER column can hold "abc"), so it answers for every key itself.
   */
  readonly typedColumns: boolean;
  lookupBatchSize(columnCount: number): number;
  parseKeyValue(type: string, text: string): KeyValueParse;
}

/** The catalog as Target shows it. A dialect's introspector adds typed reads its own statements need. */
export interface Introspector {
  defaultSchema(): Promise<string>;
  foreignKeys(): Promise<DeclaredForeignKey[]>;
  columns(): Promise<ColumnInfo[]>;
  uniqueKeys(): Promise<UniqueKey[]>;
  indexes(): Promise<IndexInfo[]>;
  partialIndexes(): Promise<PartialIndex[]>;
  /** The server's name and version as it reports them (privileges.ts). */
  serverVersion(): Promise<string>;
  /** What the connected user may do to these tables, from the server's catalogs (privileges.ts). */
  privileges(tables: TableRef[]): Promise<TablePrivileges[]>;
}

/** What a lookup batch yields: a row per missing key (its 1-based position in the batch), or one row listing them. */
export type LookupRow = { ord: number | string } | { ords: string | null };

/** The lookup of keys into one parent, its catalog facts read once per missingKeys call. */
export interface Lookup {
  /** The statement for one batch of keys, given column by column (`keys[c][i]`). */
  batch(keys: unknown[][]): RawBuilder<LookupRow>;
  /** The same for the keys that are there, where the dialect has it (PostgreSQL: a re-check, which expects none, answers with nothing). */
  present?(keys: unknown[][]): RawBuilder<LookupRow>;
  /** The statement as people read it (values as placeholders). */
  readonly shown: RawBuilder<unknown>;
}

/** A page of a one-column walk shipped as one aggregate row (see page.ts). */
export interface PackedWalk {
  statement: RawBuilder<any>;
  /** The page in that row, or null when it cannot travel packed (then the walk goes a row per key). */
  page(row: any): KeyPage | null;
}

/** The statements whose SQL differs by dialect (Kysely's query compiler, at the level Custodian writes SQL). */
export interface Statements {
  /** One same-target count; each statement yields `orphans`, `child_rows`, or `n` (child rows). */
  orphanCounts(q: SameTargetOrphanQuery): Promise<RawBuilder<any>[]>;
  /** The packed walk of this key (up to `upTo` when given), or null where the dialect walks it a row per key. */
  packedWalk(child: ColumnsRef, after: unknown[] | null, limit: number, upTo?: unknown[] | null): Promise<PackedWalk | null>;
  /** The table's row count as the catalog estimates it, as `n` (null or negative: no estimate). */
  estimateRows(table: TableRef): RawBuilder<{ n: number | string | bigint | null }>;
  /**
   * One scanning statement made to stop after `ms`: the statement to run (itself, or
   * wrapped where the dialect bounds a statement in its own text) and the settings to
   * send before it in one transaction (none where it needs none). A dialect that cannot
   * bound a statement returns it as it is (SQLite: docs/configuration.md).
   */
  bounded(statement: RawBuilder<any>, ms: number): Promise<{ statement: RawBuilder<any>; limits: RawBuilder<unknown>[] }>;
  lookup(parent: ColumnsRef, softDelete?: ParentSoftDelete): Promise<Lookup>;
  parentLive(alias: string, softDelete?: ParentSoftDelete): RawBuilder<unknown>;
  deleteFromAliased(table: TableRef, alias: string): RawBuilder<unknown>;
  createIndex(ref: ColumnsRef): RawBuilder<unknown>;
  /** Null where the dialect has no partial indexes. */
  partialIndex(ref: ColumnsRef, stamp: string, opts: { unique: boolean; live: boolean }): RawBuilder<unknown> | null;
  /** Statements that bound each statement of the current transaction to `ms` (none where the dialect has no such setting). */
  timeouts(ms: number): RawBuilder<unknown>[];
  /**
   * Where one writer holds the whole database (SQLite), the BEGIN that takes that write lock
   * at once (BEGIN IMMEDIATE): Target.transactionHoldingWrites. Absent where writers lock rows.
   */
  beginHoldingWrites?(): RawBuilder<unknown>;
}

/** The foreign keys a dialect enforces, and how it adds one safely (lib/prevention). */
export interface Constraints {
  enforced(): Promise<EnforcedForeignKey[]>;
  /** The steps adding these foreign keys to one child table; `compile` turns a statement into this dialect's SQL. */
  migration(table: TableRef, fks: ForeignKeyToAdd[], lockTimeoutMs: number, compile: (s: RawBuilder<unknown>) => string): Promise<MigrationStep[]>;
}

/** One dialect: its parts, composed by target.ts (Kysely's Dialect: createDriver, createIntrospector, createQueryCompiler, createAdapter). */
export interface TargetDialect<I extends Introspector = Introspector> {
  readonly adapter: Adapter;
  readonly mapError: ErrorMapper;
  openDriver(spec: TargetSpec): Driver | Promise<Driver>;
  createIntrospector(session: Session): I;
  createStatements(catalog: I): Statements;
  createConstraints(session: Session, catalog: I): Constraints;
  /** Replica lag and running statements (load.ts); absent in-process, where there is neither. */
  readLoad?(session: Session): Promise<LoadReading>;
}
