import { existsSync, realpathSync } from "node:fs";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { TargetSpec } from "../../config/types";
import { ownedDriver, type Driver } from "../driver";
import { TargetError } from "../errors";
import { SerialLock } from "../serial";
import { mapSqliteError } from "./errors";

/**
 * One lock per file in the process (its real path: two spellings or a symlink are one
 * file): a write transaction on one connection would make another connection's writer
 * wait in a busy loop that blocks the event loop the first one needs to commit. Every
 * in-memory database is a database of its own.
 */
function lockKey(url: string): string {
  return url === ":memory:" ? `sqlite::memory:${++memoryDatabases}` : `sqlite:${realpathSync(url)}`;
}
let memoryDatabases = 0;

/** A better-sqlite3 connection to an existing file. */
export function openSqliteDriver(spec: TargetSpec): Driver {
  if (spec.url !== ":memory:" && !existsSync(spec.url)) {
    throw new TargetError("unreachable", spec.name, `cannot open target "${spec.name}": file ${spec.url} does not exist`);
  }
  let database: Database.Database;
  try {
    // fileMustExist: a typo in a path must be an error, not a new empty database with 0 orphans.
    database = new Database(spec.url, { fileMustExist: true, timeout: 5000 });
    // Exact integers (BigInt): snowflake-sized keys must not round into false orphans.
    database.defaultSafeIntegers(true);
  } catch (err) {
    throw mapSqliteError(spec.name, err);
  }
  return ownedDriver(new Kysely<any>({ dialect: new SqliteDialect({ database }) }), SerialLock.of(lockKey(spec.url)));
}
