import type { Adapter } from "../dialect";
import { parseSqliteKeyValue } from "./key-values";

/** SQLite files, in-process. */
export const sqliteAdapter: Adapter = {
  inProcess: true,
  // No SELECT … FOR UPDATE: a write transaction holds the whole database, and one that
  // read before another writer committed fails (SQLITE_BUSY) rather than act on stale rows.
  rowLocks: false,
  deleteRechecksLatest: true,
  deleteReturning: "always",
  implicitRowKey: "rowid",
  orphanProbe: "not_exists",
  keyLists: "json",
  typedColumns: false,
  /** SQLite allows 32,766 bound values per statement (999 before 3.32); one more per row for its position. */
  lookupBatchSize: (columnCount) => Math.min(5000, Math.floor(32_000 / (columnCount + 1))),
  parseKeyValue: parseSqliteKeyValue,
};
