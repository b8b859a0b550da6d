import type { RawBuilder } from "kysely";
import type { Dialect } from "../config/types";
import type { KeyValueParse } from "./features/key-values";

/**
 * How a cleanup statement (a batch's candidates, its re-check) asks "no live parent for
 * this child row" so that it stays a probe per row through the parent's key index:
 * - `not_exists`: NOT EXISTS, which the planner runs per row (SQLite);
 * - `fenced_not_exists`: NOT EXISTS over a subquery fenced with OFFSET 0, which PostgreSQL
 *   cannot pull up into an anti join. Unfenced, a misestimate (an anti join guessed to keep
 *   one row of a million) made it hash the whole parent for every batch of 1,000: 0.4–0.9 s
 *   a batch where the probes take 2 ms (bench:cleanup);
 * - `count`: a correlated COUNT(*) = 0, where the dialect would turn NOT EXISTS into a
 *   materialized NOT IN over the whole parent (MariaDB).
 */
export type OrphanProbe = "not_exists" | "fenced_not_exists" | "count";

/**
 * How a cleanup binds a list of one column's keys (a batch's primary keys, its keys):
 * - `parameters`: `IN (?, ?, …)`, one parameter per key (MySQL and MariaDB);
 * - `array`: `= ANY($1)`, one array parameter: PostgreSQL plans and binds a 1,000-key IN (…)
 *   ~1.6× slower (bench:cleanup);
 * - `json`: `IN (SELECT value FROM json_each(?))`, one JSON text (SQLite): a DELETE of 15,000
 *   keys as 15,000 parameters took twice as long, in Kysely's building and SQLite's parsing
 *   of a statement prepared anew each time (bench:cleanup).
 * Keys a list cannot carry exactly (see keys.ts) go one parameter each.
 */
export type KeyLists = "parameters" | "array" | "json";

/**
 * Which of a cleanup's DELETEs hand their rows' keys back (DELETE … RETURNING) to be compared
 * in the process, instead of matching the batch's keys in SQL:
 * - `always` (SQLite): matched in SQL, an IN list of the keys made its DELETE 3× slower;
 * - `composite_keys` (PostgreSQL): a lone key is matched as a hashed `= ANY(keys)`, cheaper
 *   than parsing 10,000 rows sent back; a composite one would be an OR of every key (one
 *   parameter per value, against PostgreSQL's limit of 65,535);
 * - `never` (MySQL, MariaDB: no RETURNING).
 */
export type DeleteReturning = "always" | "composite_keys" | "never";

export type { Dialect };

/** A table inside a target. `schema` is always resolved (never "default"). */
export interface TableRef {
  schema: string;
  table: string;
}

/**
 * What Custodian's own database user may do to one table, read from the server's catalogs
 * (never by trying): a cleanup or purge names what it lacks in its preview instead of
 * failing half-way.
 */
export interface TablePrivileges extends TableRef {
  /** Whether the table exists (a missing one holds no privilege). */
  exists: boolean;
  select: boolean;
  update: boolean;
  delete: boolean;
  /**
   * The DDL prevention needs (CREATE INDEX, ADD FOREIGN KEY): owning the table on
   * PostgreSQL, INDEX and ALTER on MariaDB/MySQL, a writable file on SQLite.
   */
  ddl: boolean;
}

/** Some columns of a table, in order: composite keys are normal. */
export interface ColumnsRef extends TableRef {
  columns: string[];
}

/** A foreign key the database itself declares. */
export interface DeclaredForeignKey {
  constraint: string | null;
  child: ColumnsRef;
  parent: ColumnsRef;
}

export interface ColumnInfo extends TableRef {
  column: string;
  /** The type as the database names it (bigint, text, varchar(36), INTEGER…). */
  dataType: string;
  nullable: boolean;
}

/** A primary key or unique index/constraint. */
export interface UniqueKey extends ColumnsRef {
  primary: boolean;
}

/** An index, by its columns in order (only the leading columns matter to us). */
export interface IndexInfo extends ColumnsRef {
  name: string;
}

/** An index over some rows only (`WHERE …`): what a soft-delete table's uniqueness needs. */
export interface PartialIndex extends ColumnsRef {
  name: string;
  unique: boolean;
  /** The predicate as the database prints it, e.g. `(deleted_at IS NULL)`. */
  predicate: string;
}

/** A parent soft-delete rule: a parent stamped longer ago than `before` counts as gone. */
export interface ParentSoftDelete {
  column: string;
  before: Date;
}

/**
 * A stretch of a table in the order of some of its columns (a primary key, or the key a
 * cross-target walk follows): the rows after `from` (exclusive) up to `to` (inclusive),
 * compared as the database orders those columns (their collation). An end left out is
 * open, so ranges cut at the same boundaries cover every row exactly once.
 */
export interface KeyRange {
  columns: string[];
  from?: unknown[];
  to?: unknown[];
  /**
   * The columns are the child's reference columns (in their order), cut so because they
   * order alike on both sides: a count of the range bounds the parent's key alike, and the
   * range open at its start counts the rows whose key has a NULL column. Said, never
   * inferred from the columns: a primary key that is also the reference (text in another
   * collation than the parent's, say) is cut as a primary key.
   */
  reference?: boolean;
}

/** What a relation's ranges are cut along (lib/detect/ranges.ts, chunkKey). */
export type ChunkKey = Pick<KeyRange, "columns" | "reference">;

export interface SameTargetOrphanQuery {
  child: ColumnsRef;
  parent: ColumnsRef;
  parentSoftDelete?: ParentSoftDelete;
  /** True when parent.columns are a primary key or unique: allows the one-pass join shape. */
  parentKeyUnique: boolean;
  /**
   * Only the child rows in this range (a chunk of a big relation); every row without it.
   * A range of the child's primary key, or of its reference columns (`reference`): then the
   * parent's key is bounded alike, and the rows with a NULL key column belong to the range
   * open at its start (sql.ts, onReference).
   */
  childRange?: KeyRange;
}

/** How long one scanning statement may run (ms); none: as long as it takes. */
export interface ScanBound {
  timeoutMs?: number;
}

export interface OrphanCount {
  orphans: number;
  childRows: number;
}

/**
 * One page of a child's key walk, held column by column so a page costs a few arrays
 * rather than an object per key: `keys[c][i]` is column c of the page's i-th distinct
 * non-NULL key (as the driver returned it, or as text where the walk ships a page as one
 * aggregate), `rows[i]` how many child rows carry that key. Keys within a page need not
 * be in order; pages are.
 */
export interface KeyPage {
  keys: unknown[][];
  rows: number[];
  /** Distinct keys on this page. */
  size: number;
  /** Child rows on this page (the sum of `rows`). */
  rowCount: number;
  /**
   * The page's greatest key, as the child's driver returned it (its type intact), to start
   * the next page after; null when this page is the last.
   */
  next: unknown[] | null;
}

/** A server's load as throttling reads it; null where it has nothing to say (no replicas, an in-process database). */
export interface LoadReading {
  /** How far the replica (or the primary's slowest replica) is behind, in ms; Infinity when a replica reports it cannot say. */
  replicaLagMs: number | null;
  /** Statements running now besides the probe (MySQL's Threads_running; active client backends on PostgreSQL). */
  threadsRunning: number | null;
}

/** Target.liveKeysWithin: the positions (0-based, ascending) of `size` keys (column by column) that have a live parent. */
export type LiveKeysAsker = (tx: TargetTransaction, keys: unknown[][], size: number) => Promise<number[]>;

export interface TargetTransaction {
  query<R>(statement: RawBuilder<R>): Promise<R[]>;
  /** Rows changed by an UPDATE or DELETE. */
  execute(statement: RawBuilder<unknown>): Promise<number>;
}

/**
 * One database Custodian inspects. Every dialect implements exactly this; nothing
 * outside lib/targets/ may know which dialect it is talking to.
 */
export interface Target {
  readonly name: string;
  /**
   * True when statements run inside this process (SQLite, PGlite) and block it while they
   * run; false for a server, which works while this process does something else.
   */
  readonly inProcess: boolean;

  defaultSchema(): Promise<string>;
  foreignKeys(): Promise<DeclaredForeignKey[]>;
  columns(): Promise<ColumnInfo[]>;
  uniqueKeys(): Promise<UniqueKey[]>;
  indexes(): Promise<IndexInfo[]>;

  /** Orphans of a relation whose child and parent live in this target: one set-based statement. */
  countOrphans(q: SameTargetOrphanQuery, bound?: ScanBound): Promise<OrphanCount>;
  /** The table's row count as the catalog estimates it (PostgreSQL reltuples, InnoDB's TABLE_ROWS; SQLite counts), null when it has none. */
  estimateRows(table: TableRef): Promise<number | null>;
  /**
   * The key of the row `offset` rows past `after` (0: the first after it) in the order of
   * `ref.columns`, among rows whose key has no NULL and lies within `upTo` when given;
   * null when there are not that many. Reads at most offset + 1 entries of an index on
   * the columns: how a big table's ranges are cut in bounded steps.
   */
  keyAtOffset(ref: ColumnsRef, after: unknown[] | null, upTo: unknown[] | null, offset: number, bound?: ScanBound): Promise<unknown[] | null>;
  /** Rows of a table. */
  countRows(table: TableRef): Promise<number>;
  /** Rows whose key (these columns) has a NULL column: the rows walkKeys does not see. */
  countNullKeys(ref: ColumnsRef, bound?: ScanBound): Promise<number>;
  /**
   * The next `limit` distinct non-NULL child keys after `after` (in key order), with their
   * row counts: walks the child's key index so memory stays flat whatever the table size.
   * `upTo` ends the walk at that key (inclusive): a chunk of a cross-target scan.
   */
  walkKeys(child: ColumnsRef, after: unknown[] | null, limit: number, opts?: ScanBound & { upTo?: unknown[] | null }): Promise<KeyPage>;
  /**
   * Of `size` keys given column by column (`keys[c][i]`, as in a KeyPage), the positions
   * (ascending) of those with no (live) row in `parent`. The database compares (its
   * types, its collation): keys from another database are never matched by string
   * equality in Node, which would invent orphans.
   */
  missingKeys(parent: ColumnsRef, keys: unknown[][], size: number, softDelete?: ParentSoftDelete, bound?: ScanBound): Promise<number[]>;
  /**
   * missingKeys turned around (the keys that do have a live parent), asked inside a
   * transaction of this target: its statements see what the transaction sees, one batch
   * after another on its connection. The catalog is read now, before the transaction
   * opens, so asking takes no other connection.
   */
  liveKeysWithin(parent: ColumnsRef, softDelete?: ParentSoftDelete): Promise<LiveKeysAsker>;
  /** The declared types of some columns, in order ("" when unknown). */
  columnTypes(ref: ColumnsRef): Promise<string[]>;
  /**
   * Reads a key value a person typed as a value of a column of this declared type (as
   * columnTypes names it), by this dialect's rules: its canonical text (`+3047` → `3047`),
   * or the type it is not a value of (`3O47` is no bigint).
   */
  parseKeyValue(type: string, text: string): KeyValueParse;
  /** How many keys one missingKeys call may carry for this many columns (driver parameter limits). */
  lookupBatchSize(columnCount: number): number;
  /** The statement that would index these columns, quoted for this dialect. */
  createIndexStatement(ref: ColumnsRef): string;
  /** Partial indexes (none where the dialect has none: MySQL, MariaDB). */
  partialIndexes(): Promise<PartialIndex[]>;
  /** The server's name and version as it reports them. */
  serverVersion(): Promise<string>;
  /**
   * What Custodian's user may do to these tables, read from the server's catalogs (never by
   * trying), in the order asked: a preview names what is missing before any work starts.
   */
  privileges(tables: TableRef[]): Promise<TablePrivileges[]>;
  /**
   * `CREATE [UNIQUE] INDEX … WHERE stamp IS [NOT] NULL` for a soft-delete table, quoted for
   * this dialect; null where the dialect has no partial indexes.
   */
  partialIndexStatement(ref: ColumnsRef, stamp: string, opts: { unique: boolean; live: boolean }): string | null;

  /**
   * The statements a scan runs, compiled for this dialect, for people to read (values are
   * placeholders: they are bound, never spliced): a same-target count, or the two sides
   * of a cross-target walk.
   */
  countStatements(q: SameTargetOrphanQuery): Promise<string[]>;
  walkStatement(child: ColumnsRef): Promise<string>;
  lookupStatement(parent: ColumnsRef, softDelete?: ParentSoftDelete): Promise<string>;
  /** Foreign keys with their ON DELETE action and whether they are validated (read afresh every time). */
  enforcedForeignKeys(): Promise<EnforcedForeignKey[]>;
  /**
   * The migration adding these foreign keys to one child table, in the dialect's safest
   * way (PostgreSQL NOT VALID then VALIDATE; MySQL/MariaDB in place; SQLite the documented
   * table rebuild), each statement bounded by `lockTimeoutMs` where the dialect can.
   */
  foreignKeyMigration(table: TableRef, fks: ForeignKeyToAdd[], lockTimeoutMs: number): Promise<MigrationStep[]>;
  /**
   * Runs one step's statements in order on one connection; a statement that expects no
   * rows and gets some fails the step. A transactional step is rolled back on failure.
   */
  runMigrationStep(step: MigrationStep): Promise<void>;
  /** Runs a statement built elsewhere in lib/targets (features/), its driver errors mapped like every other. */
  query<R>(statement: RawBuilder<R>): Promise<R[]>;

  // What cleanups need (lib/targets/features/cleanup.ts builds the statements):
  /** "This parent row is live" in this dialect (soft-delete stamps differ: SQLite reads text and unix times). */
  parentLive(alias: string, softDelete?: ParentSoftDelete): RawBuilder<unknown>;
  /**
   * How a cleanup statement asks "no live parent for this child row", row by row through
   * the parent's key index (OrphanProbe).
   */
  readonly orphanProbe: OrphanProbe;
  /** How a list of one column's keys is bound (KeyLists). */
  readonly keyLists: KeyLists;
  /**
   * Whether a DELETE that waits for a row another transaction holds re-checks its WHERE,
   * subqueries included, against what that transaction committed: InnoDB reads the other
   * tables of a DELETE with locking reads, SQLite has one writer. PostgreSQL re-checks the
   * waited-for row but evaluates its subqueries in the statement's older snapshot, so a
   * parent inserted by that transaction would go unseen (a cleanup there locks and checks
   * the rows first).
   */
  readonly deleteRechecksLatest: boolean;
  /**
   * Which cleanup DELETEs hand back each row's key (DELETE … RETURNING), compared to the
   * batch's in the process, instead of matching every key in SQL (DeleteReturning).
   */
  readonly deleteReturning: DeleteReturning;
  /** `DELETE FROM table AS alias` in this dialect's words (MySQL and MariaDB name the alias before FROM), for a DELETE whose WHERE probes another table by the alias. */
  deleteFromAliased(table: TableRef, alias: string): RawBuilder<unknown>;
  /** The key every row has when its table declares no primary key (SQLite's rowid), or null. */
  readonly implicitRowKey: string | null;
  /** Whether `SELECT … FOR UPDATE` exists (SQLite locks the whole database on its first write instead). */
  readonly rowLocks: boolean;
  /**
   * Runs `fn` in one transaction whose statements each stop after `timeoutMs`: everything
   * it did commits together or not at all. Driver errors are mapped like every other.
   * In-process databases run one transaction at a time across every Target open on them
   * in the process; one asked for inside another on the same database is a savepoint of
   * it (lib/targets/serial.ts).
   */
  transaction<T>(timeoutMs: number, fn: (tx: TargetTransaction) => Promise<T>): Promise<T>;
  /**
   * Whether one transaction can hold every write of the database from its first statement
   * (SQLite, whose one writer holds the whole file): transactionHoldingWrites exists.
   */
  readonly writesHeldByTransaction: boolean;
  /**
   * transaction(), begun holding the database's write lock: nothing it reads can change
   * (no other writer, in or out of the process, commits) until it ends, so it may read rows
   * and then change them without checking them again. Other writers wait for it as for any
   * write transaction (SQLite's busy timeout). Only where writesHeldByTransaction.
   */
  transactionHoldingWrites<T>(timeoutMs: number, fn: (tx: TargetTransaction) => Promise<T>): Promise<T>;

  /** Replica lag and running statements, for throttling (lib/targets/throttle.ts); nulls in-process. */
  readLoad(): Promise<LoadReading>;

  close(): Promise<void>;
}

// Constraints (lib/prevention): the foreign keys that keep a clean relation clean.

/** What a foreign key does to a child row when its parent row is deleted. */
export type ForeignKeyAction = "CASCADE" | "SET NULL" | "RESTRICT" | "NO ACTION" | "SET DEFAULT";

/** A foreign key as the database enforces it. */
export interface EnforcedForeignKey extends DeclaredForeignKey {
  onDelete: ForeignKeyAction;
  /** False for a PostgreSQL constraint added NOT VALID and not validated since. */
  validated: boolean;
}

/** A foreign key to add; `replaces` names the weaker one on the same columns it takes the place of. */
export interface ForeignKeyToAdd {
  name: string;
  child: ColumnsRef;
  parent: ColumnsRef;
  onDelete: "CASCADE" | "SET NULL" | "RESTRICT";
  replaces: string | null;
  /** No index leads with the child's columns: one is created first (an FK's checks and cascades probe it). */
  needsIndex: boolean;
}

/**
 * One group of statements of a migration, run in order on one connection (a step that
 * opens a transaction commits it as its last statement). Statements are compiled for the
 * dialect: identifiers quoted, values written as literals (DDL takes no parameters).
 */
export interface MigrationStep {
  title: string;
  /** The foreign keys (names) the step is part of: a SQLite rebuild adds every one of its table at once. */
  constraints: string[];
  /** Why the step is written this way (shown in the SQL file as a comment). */
  comment: string;
  statements: { sql: string; expectNoRows?: boolean }[];
  /** The lock the step's main statement takes, in the database's words. */
  lock: string;
  writesBlocked: "no" | "briefly" | "yes";
  /** The step reads (or writes) every row of the child. */
  readsWholeTable: boolean;
  copiesTable: boolean;
  /** Run (each tried, failures ignored) when a statement of the step fails: ROLLBACK, settings put back. */
  onFailure: string[];
}
