import type { TargetSpec } from "../config/types";
import type { Target } from "./types";

/**
 * The one place that maps a dialect name to its module. Modules load on first use: a
 * sweep over SQLite files never loads PGlite's wasm or the MySQL driver.
 */
export async function openTarget(spec: TargetSpec): Promise<Target> {
  switch (spec.dialect) {
    case "postgres":
      return (await import("./postgres")).PostgresTarget.open(spec);
    case "pglite":
      return (await import("./pglite")).PGliteTarget.open(spec);
    case "mysql":
      return (await import("./mysql")).MysqlTarget.open(spec);
    case "sqlite":
      return (await import("./sqlite")).SqliteTarget.open(spec);
  }
}
