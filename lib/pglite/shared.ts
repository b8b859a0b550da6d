import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pgliteEntryUrl, startLoadingPGliteAssets } from "./assets";
import { pgliteBufferPoolParams } from "./buffer-pool";
import { acquireFolderLock } from "./lock";
import { openPGliteInThread, type PGliteQueries } from "./thread";
import { pgliteTargetInThread } from "./threads";

/**
 * One PGlite instance per data folder per process, shared by reference count: two
 * instances on one folder corrupt it just as two processes would. The registry lives on
 * globalThis so Next's module reloading does not forget an open instance.
 */
interface Entry {
  db: Promise<PGlite | PGliteQueries>;
  /** Run in a worker thread (lib/pglite/thread.ts): it answers `query()` alone. */
  inThread: boolean;
  refs: number;
  release: () => void;
  /** Set while the instance waits, unused, to be closed (see keepIdlePGlite). */
  idle?: NodeJS.Timeout;
}

const registry: Map<string, Entry> = ((globalThis as any).__custodianPglite ??= new Map());
const closing: Map<string, Promise<void>> = ((globalThis as any).__custodianPgliteClosing ??= new Map());
const settings = ((globalThis as typeof globalThis & { __custodianPgliteSettings?: { keepIdleMs: number } }).__custodianPgliteSettings ??= { keepIdleMs: 0 });

/**
 * Keep an instance nobody uses open this long before closing it (0, the default: close at
 * once). Opening a PGlite folder costs 4–8 s on a loaded 2-core machine (measured on the
 * demo's shop: 4.5–8.3 s to open, 0.35 s for every soft-delete gauge), so the web process,
 * whose pages each read a target through a fresh pool, keeps them open between requests.
 * Processes that run one command and exit (the CLI) keep the default.
 */
export function keepIdlePGlite(ms: number): void {
  settings.keepIdleMs = Math.max(0, ms);
}

/**
 * The WAL a PGlite database may write before PostgreSQL itself asks for a checkpoint (every
 * one opened here starts with it). That request deadlocks in PGlite (lib/store/wal.ts) when it
 * comes in the middle of a statement or a commit, so it must never be reached: 16 GB puts it
 * past 8 GB of WAL, where the default 1 GB put it at 496 MB, which one statement merging 10M
 * sightings reached (the WAL at 529 MB, XLogInsert → CreateCheckPoint → LWLockAcquire). The
 * store's explicit checkpoints between statements (checkpointIfDue) keep the WAL near 256 MB.
 */
export const PGLITE_MAX_WAL_SIZE = "16GB";

export interface PGliteHandle<Db = PGlite> {
  db: Db;
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** Create the folder when missing (the store); targets must already exist. */
  create?: boolean;
  purpose: string;
}

export class PGliteFolderMissingError extends Error {}

/** The folder's PGlite with its whole API (the store's Prisma adapter needs it), on this thread. */
export async function acquirePGlite(folder: string, opts: AcquireOptions): Promise<PGliteHandle> {
  return (await acquire(folder, opts, "whole")) as PGliteHandle;
}

/**
 * The folder's PGlite for statements alone (`query()`: an embedded target). Where the process
 * asked for it (openPGliteTargetsInThreads) and the folder is not open yet, it runs in a worker
 * thread of its own.
 */
export function acquirePGliteQueries(folder: string, opts: AcquireOptions): Promise<PGliteHandle<PGliteQueries>> {
  return acquire(folder, opts, pgliteTargetInThread(folder) ? "thread" : "queries");
}

/** whole: PGlite's API on this thread; queries: query() wherever it runs; thread: query(), opened in a thread. */
async function acquire(folder: string, opts: AcquireOptions, need: "whole" | "queries" | "thread"): Promise<PGliteHandle<PGlite | PGliteQueries>> {
  const dir = path.resolve(folder);
  // No await between this loop and the registry check: a close cannot slip in between.
  while (closing.has(dir)) await closing.get(dir);
  let entry = registry.get(dir);
  if (!entry) {
    if (!existsSync(dir)) {
      if (!opts.create) throw new PGliteFolderMissingError(`PGlite data folder ${dir} does not exist`);
      mkdirSync(dir, { recursive: true });
    }
    const releaseLock = acquireFolderLock(dir, opts.purpose);
    const startParams = [...PGlite.defaultStartParams, "-c", `max_wal_size=${PGLITE_MAX_WAL_SIZE}`, ...pgliteBufferPoolParams()];
    const db = startLoadingPGliteAssets()
      .then((assets): Promise<PGlite | PGliteQueries> =>
        need === "thread" ? openPGliteInThread(pgliteEntryUrl(), dir, { ...assets, startParams }) : PGlite.create(dir, { ...assets, startParams }),
      )
      .catch((err) => {
        registry.delete(dir);
        releaseLock();
        throw err;
      });
    entry = { db, inThread: need === "thread", refs: 0, release: releaseLock };
    registry.set(dir, entry);
  } else if (entry.inThread && need === "whole") {
    throw new Error(`PGlite data folder ${dir} is open as an embedded target in this process; it cannot also be opened as ${opts.purpose}`);
  }
  if (entry.idle) {
    clearTimeout(entry.idle);
    entry.idle = undefined;
  }
  entry.refs++;
  const current = entry;
  const db = await current.db;
  let released = false;
  return {
    db,
    async release() {
      if (released) return;
      released = true;
      if (--current.refs > 0) return;
      if (settings.keepIdleMs > 0) {
        // unref: an idle instance never keeps the process alive (the folder lock goes with the process)
        current.idle = setTimeout(() => void closeEntry(dir, current, db).catch(() => {}), settings.keepIdleMs).unref();
        return;
      }
      await closeEntry(dir, current, db);
    },
  };
}

function closeEntry(dir: string, entry: Entry, db: PGlite | PGliteQueries): Promise<void> {
  entry.idle = undefined;
  // taken again meanwhile (its timer was cleared then, but a timer that already fired is still queued)
  if (entry.refs > 0 || registry.get(dir) !== entry) return Promise.resolve();
  registry.delete(dir);
  const done = db.close().finally(() => {
    entry.release();
    closing.delete(dir);
  });
  closing.set(dir, done);
  return done;
}
