import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Driver } from "./driver";
import { TargetError } from "./errors";
import { SerialDeadlock } from "./serial";
import { sharedRead } from "./shared-read";
import type { TargetTransaction } from "./types";

/** How a dialect names a driver's failure (its errors.ts). */
export type ErrorMapper = (target: string, err: unknown) => TargetError;

/**
 * Where every statement of one target runs: in this database's turn (in-process
 * databases), with driver errors mapped into TargetError by the dialect. The same for
 * every dialect: the introspector, the statements and the target all run through it.
 */
export class Session {
  private memos = 0;

  constructor(
    readonly name: string,
    private readonly driver: Driver,
    private readonly mapError: ErrorMapper,
  ) {}

  /** Runs a statement, turning driver errors into TargetError. */
  async run<R>(query: RawBuilder<R>): Promise<R[]> {
    try {
      const result = await this.inTurn((db) => query.execute(db));
      return result.rows;
    } catch (err) {
      throw this.targetError(err);
    }
  }

  /** Runs work that sends statements or reads their rows, mapping whatever it throws. */
  async guard<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      throw this.targetError(err);
    }
  }

  /**
   * Runs statements in order on one connection of the pool, in this database's turn: for
   * DDL whose session settings (lock_timeout, PRAGMA foreign_keys) must reach the statements
   * after them, and for steps that open and commit their own transaction.
   */
  async onOneConnection<T>(fn: (run: (statement: RawBuilder<unknown>) => Promise<unknown[]>) => Promise<T>): Promise<T> {
    const { db, serial: lock } = this.driver;
    const go = () => db.connection().execute((conn) => fn(async (s) => (await s.execute(conn)).rows));
    try {
      return await (lock ? lock.turn(go) : go());
    } catch (err) {
      throw this.targetError(err);
    }
  }

  /**
   * A load run once and kept (catalog reads); a failed one is asked again next time. On a
   * pool shared in the process, the sessions opened on it within CATALOG_SHARED_MS share
   * one read (a page request opens its targets anew: it must not read the catalog each time).
   * Every session of a dialect makes its memos in the same order: the n-th is the same load.
   */
  memo<R>(load: () => Promise<R>): () => Promise<R> {
    let hit: Promise<R> | null = null;
    const slot = this.memos++;
    const shared = this.driver.sharedAs;
    return () => {
      if (!hit) {
        const p = shared ? sharedRead(`${shared}#catalog${slot}`, CATALOG_SHARED_MS, () => this.guard(load)) : this.guard(load);
        hit = p;
        p.catch(() => {
          if (hit === p) hit = null;
        });
      }
      return hit;
    };
  }

  /** The SQL a statement compiles to in this dialect (values stay placeholders). */
  compile(statement: RawBuilder<unknown>): string {
    return statement.compile(this.driver.db).sql;
  }

  /**
   * Runs one statement in this database's turn (at once on a server), through the
   * transaction this async context has open on the database if any: on one session that
   * is where it runs anyway, and waiting for that transaction to end would never end.
   */
  private inTurn<T>(fn: (db: Kysely<any>) => Promise<T>): Promise<T> {
    const { db, serial: lock } = this.driver;
    if (!lock) return fn(db);
    const open = lock.openTransaction();
    return open ? fn(open) : lock.turn(() => fn(db));
  }

  /** Driver errors mapped by the dialect; a wait refused as a deadlock is "locked", like a server's deadlock (retried where locks are). */
  private targetError(err: unknown): TargetError {
    if (err instanceof TargetError) return err;
    if (err instanceof SerialDeadlock) return new TargetError("locked", this.name, `${this.name}: ${err.message}`, err);
    return this.mapError(this.name, err);
  }

  /**
   * Runs `fn` in one transaction, `limits` (the dialect's timeouts) sent first. In-process,
   * the turn is held from BEGIN to COMMIT or ROLLBACK, and a transaction asked for inside
   * one already open on the database is a savepoint of it (see Target.transaction).
   */
  transaction<T>(limits: RawBuilder<unknown>[], fn: (tx: TargetTransaction) => Promise<T>): Promise<T> {
    const { db, serial: lock } = this.driver;
    if (!lock) return this.guard(() => db.transaction().execute((trx) => this.begun(trx, limits, fn)));
    const outer = lock.openTransaction();
    if (outer) return this.guard(() => this.savepoint(outer, fn));
    return this.guard(() => lock.turn(() => db.transaction().execute((trx) => lock.within(trx, () => this.begun(trx, limits, fn)))));
  }

  /**
   * A transaction of an in-process database opened by `begin` (SQLite's BEGIN IMMEDIATE,
   * which Kysely's transactions cannot send): it holds the database's write lock from its
   * first statement, so what it reads cannot change before it commits. Inside one already
   * open on the database, a savepoint of it (which holds that lock only if the outer one does).
   */
  transactionBegunBy<T>(begin: RawBuilder<unknown>, limits: RawBuilder<unknown>[], fn: (tx: TargetTransaction) => Promise<T>): Promise<T> {
    const { db, serial: lock } = this.driver;
    if (!lock) throw new Error(`${this.name}: a transaction begun by its own statement is for in-process databases`);
    const outer = lock.openTransaction();
    if (outer) return this.guard(() => this.savepoint(outer, fn));
    return this.guard(() =>
      lock.turn(() =>
        db.connection().execute(async (conn) => {
          await begin.execute(conn);
          let result: T;
          try {
            result = await lock.within(conn, () => this.begun(conn, limits, fn));
            await sql`COMMIT`.execute(conn);
          } catch (err) {
            // A failed COMMIT leaves the transaction open too (SQLITE_BUSY): it must not outlive the turn.
            await sql`ROLLBACK`.execute(conn).catch(() => {});
            throw err;
          }
          return result;
        }),
      ),
    );
  }

  private async begun<T>(trx: Kysely<any>, limits: RawBuilder<unknown>[], fn: (tx: TargetTransaction) => Promise<T>): Promise<T> {
    for (const s of limits) await s.execute(trx);
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
    const mapped = (err: unknown) => (err instanceof TargetError ? err : this.mapError(this.name, err));
    return {
      query: async (statement) => {
        try {
          return (await statement.execute(trx)).rows;
        } catch (err) {
          throw mapped(err);
        }
      },
      execute: async (statement) => {
        try {
          return Number((await statement.execute(trx)).numAffectedRows ?? 0);
        } catch (err) {
          throw mapped(err);
        }
      },
    };
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

/** How long Targets opened on one shared pool share a catalog read. */
const CATALOG_SHARED_MS = 5000;

/** Savepoint names, unique in the process (nested transactions are rare: a counter is enough). */
let savepoints = 0;
