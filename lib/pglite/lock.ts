import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { UserError } from "../errors/user-error";

/**
 * A PGlite data folder must never be opened by two processes at once (it would be
 * corrupted). Whoever opens one holds `<folder>.lock` with its pid; a second process
 * gets a clear message instead of a second handle. A lock whose process died is taken over.
 */
export class FolderLockedError extends UserError {
  constructor(
    readonly folder: string,
    readonly holder: LockInfo,
  ) {
    const where = holder.host && holder.host !== hostname() ? ` on host ${holder.host}` : "";
    super(
      "refused",
      `${folder} is in use by another Custodian process (pid ${holder.pid}${where}, ${holder.purpose}, since ${holder.since}). ` +
        `Stop that process first, or point DATABASE_URL at a PostgreSQL store so several processes can share it.` +
        (where ? ` If that process is gone, delete ${folder}.lock.` : ""),
    );
    this.name = "FolderLockedError";
  }
}

export interface LockInfo {
  pid: number;
  /** A pid means nothing on another host (or in another container): such a lock is never taken over. */
  host: string;
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
      const info: LockInfo = { pid: process.pid, host: hostname(), purpose, since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      const release = () => {
        if (!held.delete(file)) return;
        process.removeListener("exit", release);
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
      const text = readText(file);
      const holder = parse(text);
      if (holder && !isStale(holder)) throw new FolderLockedError(folder, holder);
      // Stale: its process is gone. Re-read just before removing, so a lock another
      // process has taken over meanwhile is left alone (the window is narrow, not zero).
      if (readText(file) === text) {
        try {
          unlinkSync(file);
        } catch {
          /* raced with another taker */
        }
      }
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function parse(text: string | null): LockInfo | null {
  try {
    return text ? (JSON.parse(text) as LockInfo) : null;
  } catch {
    return null;
  }
}

/** Only a lock of this host whose process is gone (and is not this process) is stale. */
function isStale(holder: LockInfo): boolean {
  if (holder.host && holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return true; // a leftover of an earlier process with our pid
  return !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
