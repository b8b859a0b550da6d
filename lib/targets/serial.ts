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
 * Nested use cannot deadlock: an open transaction is known to its async context, and a
 * statement or a transaction started inside it on the same database, through any Target,
 * runs inside it at once (a statement through it, a transaction as a savepoint of it)
 * instead of waiting for the turn it holds. On a single session that is the only place
 * it could run. Plain statements take no context of their own: AsyncLocalStorage costs
 * every promise of the process something, and one statement has nothing nested in it.
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

  /**
   * The transaction this async context has open on this database, or null. Work a
   * transaction started and left running (not awaited) has none once it has ended.
   */
  openTransaction(): Kysely<any> | null {
    const hold = held.getStore()?.get(this);
    return hold?.open ? hold.trx : null;
  }

  /**
   * Runs `fn` in its turn, then passes the turn on. Callers inside an open transaction
   * on this database must not ask (they would wait for themselves): they use that
   * transaction (`openTransaction`).
   */
  async turn<T>(fn: () => Promise<T>): Promise<T> {
    const before = this.tail;
    let pass!: () => void;
    this.tail = new Promise<void>((resolve) => (pass = resolve));
    try {
      await before;
      return await fn();
    } finally {
      pass();
    }
  }

  /** Runs `fn` with `trx` as this async context's open transaction on this database (inside its turn). */
  async within<T>(trx: Kysely<any>, fn: () => Promise<T>): Promise<T> {
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
