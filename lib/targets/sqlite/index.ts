import type { TargetDialect } from "../dialect";
import { sqliteAdapter } from "./adapter";
import { createSqliteConstraints } from "./constraints";
import { openSqliteDriver } from "./driver";
import { mapSqliteError } from "./errors";
import { createSqliteIntrospector, type SqliteIntrospector } from "./introspector";
import { createSqliteStatements } from "./statements";

/** SQLite files (better-sqlite3). */
export const sqlite: TargetDialect<SqliteIntrospector> = {
  adapter: sqliteAdapter,
  mapError: mapSqliteError,
  openDriver: openSqliteDriver,
  createIntrospector: createSqliteIntrospector,
  createStatements: createSqliteStatements,
  createConstraints: createSqliteConstraints,
};
