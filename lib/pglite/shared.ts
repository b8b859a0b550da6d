import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { acquireFolderLock } from "./lock";

/**
 * One PGlite instance per data folder per process, shared by reference count: two
 * instances on one folder corrupt it just as two processes would. The registry lives on
 * globalThis so Next's module reloading does not forget an open instance.
 */
interface Entry {
  db: Promise<PGlite>;
  refs: number;
  release: () => void;
}

const registry: Map<string, Entry> = ((globalThis as any).__custodianPglite ??= new Map());
const closing: Map<string, Promise<void>> = ((globalThis as any).__custodianPgliteClosing ??= new Map());

export interface PGliteHandle {
  db: PGlite;
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** Create the folder when missing (the store); targets must already exist. */
  create?: boolean;
  purpose: string;
}

export class PGliteFolderMissingError extends Error {}

export async function acquirePGlite(folder: string, opts: AcquireOptions): Promise<PGliteHandle> {
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
    const db = PGlite.create(dir).catch((err) => {
      registry.delete(dir);
      releaseLock();
      throw err;
    });
    entry = { db, refs: 0, release: releaseLock };
    registry.set(dir, entry);
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
      registry.delete(dir);
      const done = db.close().finally(() => {
        current.release();
        closing.delete(dir);
      });
      closing.set(dir, done);
      await done;
    },
  };
}
