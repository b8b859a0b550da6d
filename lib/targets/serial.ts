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

  /** The transaction this async context has open on this database, or null (none, or it is not the holder). */
  openTransaction(): Kysely<any> | null {
    return held.getStore()?.get(this) ?? null;
  }

  /** Whether this async context holds the turn (inside a transaction or statement on this database). */
  holds(): boolean {
    return held.getStore()?.has(this) ?? false;
  }

  /** Runs `fn` in its turn (at once when this context already holds it), then passes the turn on. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.holds()) return fn();
    const before = this.tail;
    let pass!: () => void;
    this.tail = new Promise<void>((resolve) => (pass = resolve));
    try {
      await before;
      return await held.run(withEntry(this, null), fn);
    } finally {
      pass();
    }
  }

  /** Runs `fn` with `trx` as this context's open transaction on this database (called inside `exclusive`). */
  within<T>(trx: Kysely<any>, fn: () => Promise<T>): Promise<T> {
    return held.run(withEntry(this, trx), fn);
  }
}

function withEntry(lock: SerialLock, trx: Kysely<any> | null): Map<SerialLock, Kysely<any> | null> {
  const map = new Map(held.getStore() ?? []);
  map.set(lock, trx);
  return map;
}

// On globalThis, like the PGlite registry: Next's module reloading must not hand a second
// lock (or a second context store) to code that opens the same database again.
const registry: Map<string, SerialLock> = ((globalThis as any).__custodianSerialLocks ??= new Map());
const held: AsyncLocalStorage<Map<SerialLock, Kysely<any> | null>> = ((globalThis as any).__custodianSerialHeld ??= new AsyncLocalStorage());
