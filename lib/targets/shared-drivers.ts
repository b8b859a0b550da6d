import { logFailure } from "../errors/logged";
import type { Driver } from "./driver";

/**
 * Every Target opened on the same server target in this process (a sweep, a preview, a
 * cleanup, a purge: each opens its own TargetPool) runs on one driver, so the target's
 * `maxConnections` bounds the whole process, not each unit of work. Counted by users: the
 * last one to close it closes the pool (after `lingerMs`, so a web process that opens the
 * target per request keeps its connections between requests instead of opening one per
 * request).
 */
interface Entry {
  driver: Promise<Driver>;
  /** Told apart from an earlier pool of the same key: reads shared on that one are not this one's. */
  generation: number;
  users: number;
  closing: ReturnType<typeof setTimeout> | null;
}

// On globalThis: Next bundles the server's layers separately, and a module-level map would
// be one per bundle, each with its own pools (and its own maxConnections).
const registry = ((globalThis as any)[Symbol.for("custodian.targetDrivers")] ??= { drivers: new Map<string, Entry>(), lingerMs: 0, generations: 0 }) as {
  drivers: Map<string, Entry>;
  lingerMs: number;
  generations: number;
};
const drivers = registry.drivers;

/**
 * How long a driver nobody uses stays open. 0 (the default: CLI, workers, tests) closes it
 * at once, so a command exits when its work is done; the web process keeps it a while.
 */
export function keepIdleDriversFor(ms: number): void {
  registry.lingerMs = ms;
}

/** The process's driver for `key` (opened by `open` on first use), and how to give it back. */
export async function sharedDriver(key: string, open: () => Driver | Promise<Driver>): Promise<Driver> {
  let entry = drivers.get(key);
  if (!entry) {
    const driver = Promise.resolve().then(open);
    entry = { driver, generation: ++registry.generations, users: 0, closing: null };
    drivers.set(key, entry);
    // A driver that fails to open is not kept: the next user tries again.
    driver.catch(() => {
      if (drivers.get(key)?.driver === driver) drivers.delete(key);
    });
  }
  entry.users++;
  if (entry.closing) {
    clearTimeout(entry.closing);
    entry.closing = null;
  }
  const e = entry;
  let driver: Driver;
  try {
    driver = await e.driver;
  } catch (err) {
    e.users--;
    throw err;
  }
  let released = false;
  return {
    db: driver.db,
    serial: driver.serial,
    sharedAs: `${key}#${e.generation}`,
    close: async () => {
      if (released) return;
      released = true;
      if (--e.users > 0) return;
      if (registry.lingerMs <= 0) return closeEntry(key, e);
      e.closing = setTimeout(() => void closeEntry(key, e).catch(logFailure("targets", "closing an idle target pool")), registry.lingerMs);
      e.closing.unref();
    },
  };
}

async function closeEntry(key: string, e: Entry): Promise<void> {
  if (e.users > 0 || drivers.get(key) !== e) return;
  drivers.delete(key);
  await (await e.driver).close();
}
