import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

/**
 * A PGlite data folder must never be opened by two processes at once (it would be
 * corrupted). Whoever opens one holds `<folder>.lock` with its pid; a second process
 * gets a clear message instead of a second handle. A lock whose process died is taken over.
 */
export class FolderLockedError extends Error {
  constructor(
    readonly folder: string,
    readonly holder: LockInfo,
  ) {
    super(
      `${folder} is in use by another Custodian process (pid ${holder.pid}, ${holder.purpose}, since ${holder.since}). ` +
        `Stop that process first, or point DATABASE_URL at a PostgreSQL store so several processes can share it.`,
    );
    this.name = "FolderLockedError";
  }
}

export interface LockInfo {
  pid: number;
  purpose: string;
  since: string;
}

const held = new Map<string, () => void>();

/** Takes the folder's lock for this process; callers share one PGlite per folder (see shared.ts). */
export function acquireFolderLock(folder: string, purpose: string): () => void {
  const file = `${folder}.lock`;
  if (held.has(file)) throw new Error(`${folder} is already locked by this process`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      const info: LockInfo = { pid: process.pid, purpose, since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      const release = () => {
        if (!held.delete(file)) return;
        try {
          unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      held.set(file, release);
      process.once("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = readLock(file);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) throw new FolderLockedError(folder, holder);
      try {
        unlinkSync(file); // stale: its process is gone
      } catch {
        /* raced with another taker */
      }
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

function readLock(file: string): LockInfo | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LockInfo;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
