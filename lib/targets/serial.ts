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
  /** The transaction holding the turn (null between transactions, and for a plain statement, which waits for nothing while it holds it). */
  private holder: Hold | null = null;

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
    // A transaction open on another database waits here while holding that one: refuse the
    // wait that would close a circle (its holder waiting, maybe through others, for a
    // database this context holds) rather than wait forever, as a server's deadlock detector does.
    const mine = openHolds();
    if (mine.length && this.wouldDeadlock(mine)) throw new SerialDeadlock(this.key);
    for (const h of mine) h.waitingFor = this;
    const before = this.tail;
    let pass!: () => void;
    this.tail = new Promise<void>((resolve) => (pass = resolve));
    try {
      await before;
      for (const h of mine) h.waitingFor = null;
      return await fn();
    } finally {
      for (const h of mine) h.waitingFor = null;
      pass();
    }
  }

  /** Whether this lock's holder waits, directly or through others, for a lock one of `mine` holds. */
  private wouldDeadlock(mine: Hold[]): boolean {
    const seen = new Set<SerialLock>();
    for (let lock: SerialLock | null = this; lock && !seen.has(lock); lock = lock.holder?.waitingFor ?? null) {
      seen.add(lock);
      if (lock.holder && mine.includes(lock.holder)) return true;
    }
    return false;
  }

  /** Runs `fn` with `trx` as this async context's open transaction on this database (inside its turn). */
  async within<T>(trx: Kysely<any>, fn: () => Promise<T>): Promise<T> {
    const hold: Hold = { trx, open: true, waitingFor: null };
    const map = new Map(held.getStore() ?? []);
    map.set(this, hold);
    this.holder = hold;
    try {
      return await held.run(map, fn);
    } finally {
      hold.open = false;
      if (this.holder === hold) this.holder = null;
    }
  }
}

/** Refused: waiting for this database would wait forever (see SerialLock.turn). */
export class SerialDeadlock extends Error {
  constructor(key: string) {
    super(
      `deadlock: a transaction waited for ${key.replace(/^[a-z]+:/, "")} while the one holding it waited for a database this transaction holds; rolled back, try again`,
    );
    this.name = "SerialDeadlock";
  }
}

/** The transactions this async context has open (on any in-process database). */
function openHolds(): Hold[] {
  const map = held.getStore();
  if (!map) return [];
  return [...map.values()].filter((h) => h.open);
}

interface Hold {
  trx: Kysely<any>;
  open: boolean;
  /** The lock this context waits for a turn of, while it holds this one. */
  waitingFor: SerialLock | null;
}

// On globalThis, like the PGlite registry: Next's module reloading must not hand a second
// lock (or a second context store) to code that opens the same database again.
const registry: Map<string, SerialLock> = ((globalThis as any).__custodianSerialLocks ??= new Map());
const held: AsyncLocalStorage<Map<SerialLock, Hold>> = ((globalThis as any).__custodianSerialHeld ??= new AsyncLocalStorage());
