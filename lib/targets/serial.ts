import { AsyncLocalStorage } from "node:async_hooks";
import type { Kysely } from "kysely";

/**
 * One turn at a time on an in-process database (a PGlite folder, a SQLite file), shared
 * by every Target opened on it in this process: each TargetPool opens its own Target, but
 * PGlite has one session per folder (a BEGIN from one caller and a statement from
 * another would run in the same transaction) and two better-sqlite3 connections on one
 * file wait for each other's write lock by blocking the event loop, which the holder
 * needs to finish. A transaction holds the turn until it commits or rolls back; a plain
 * statement takes it for that statement only.
 *
 * Nested use cannot deadlock: the turn is tracked per async context, and a caller that
 * already holds it (a statement or a transaction started inside a transaction on the same
 * database, through any Target) runs inside that transaction at once: a statement through
 * the open transaction, a transaction as a savepoint of it. On a single session that is
 * the only place it could run.
 */
export class SerialLock {
  private tail: Promise<void> = Promise.resolve();

  private constructor(readonly key: string) {}

  /** The lock of one database (`key`: dialect and absolute path), the same object for every caller in the process. */
  static of(key: string): SerialLock {
    let lock = registry.get(key);
    if (!lock) registry.set(key, (lock = new SerialLock(key)));
    return lock;
  }

  /** The transaction this async context has open on this database, or null. */
  openTransaction(): Kysely<any> | null {
    const hold = held.getStore()?.get(this);
    return hold?.open ? hold.trx : null;
  }

  /**
   * Whether this async context holds the turn (inside a transaction or statement on this
   * database). Work started inside a turn that outlives it (not awaited) no longer holds it.
   */
  holds(): boolean {
    return held.getStore()?.get(this)?.open ?? false;
  }

  /** Runs `fn` in its turn (at once when this context already holds it), then passes the turn on. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.holds()) return fn();
    const before = this.tail;
    let pass!: () => void;
    this.tail = new Promise<void>((resolve) => (pass = resolve));
    try {
      await before;
      return await this.holding(null, fn);
    } finally {
      pass();
    }
  }

  /** Runs `fn` with `trx` as this context's open transaction on this database (called inside `exclusive`). */
  within<T>(trx: Kysely<any>, fn: () => Promise<T>): Promise<T> {
    return this.holding(trx, fn);
  }

  private async holding<T>(trx: Kysely<any> | null, fn: () => Promise<T>): Promise<T> {
    const hold: Hold = { trx, open: true };
    const map = new Map(held.getStore() ?? []);
    map.set(this, hold);
    try {
      return await held.run(map, fn);
    } finally {
      hold.open = false;
    }
  }
}

interface Hold {
  trx: Kysely<any> | null;
  open: boolean;
}

// On globalThis, like the PGlite registry: Next's module reloading must not hand a second
// lock (or a second context store) to code that opens the same database again.
const registry: Map<string, SerialLock> = ((globalThis as any).__custodianSerialLocks ??= new Map());
const held: AsyncLocalStorage<Map<SerialLock, Hold>> = ((globalThis as any).__custodianSerialHeld ??= new AsyncLocalStorage());
