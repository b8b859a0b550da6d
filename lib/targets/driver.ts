import type { Kysely } from "kysely";
import type { SerialLock } from "./serial";

/**
 * An open connection to one target (a server's pool, or an in-process database): what a
 * dialect's driver.ts opens and session.ts runs statements through.
 */
export interface Driver {
  readonly db: Kysely<any>;
  /**
   * In-process databases: the turn every statement and transaction on this database
   * takes, shared with every other Target open on it in the process (see serial.ts).
   * Null on a server, whose connections the server itself keeps apart.
   */
  readonly serial: SerialLock | null;
  /**
   * Set on a server's pool shared in the process (shared-drivers.ts): what identifies it, so
   * the Targets opened on it within a few seconds share their catalog reads.
   */
  readonly sharedAs?: string;
  close(): Promise<void>;
}

/** A driver that owns its Kysely instance (and the pool or file under it): closing destroys it. */
export function ownedDriver(db: Kysely<any>, serial: SerialLock | null = null): Driver {
  return { db, serial, close: () => db.destroy() };
}
