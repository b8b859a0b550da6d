import type { TargetSpec } from "../config/types";
import { openWith } from "./target";
import type { Target } from "./types";

/**
 * The one place that maps a dialect name to its module. Modules load on first use: a
 * sweep over SQLite files never loads PGlite's wasm or the MySQL driver.
 */
export async function openTarget(spec: TargetSpec): Promise<Target> {
  switch (spec.dialect) {
    case "postgres":
      return openWith((await import("./postgres")).postgres, spec);
    case "pglite":
      return openWith((await import("./pglite")).pglite, spec);
    case "mysql":
      return openWith((await import("./mysql")).mysql, spec);
    case "sqlite":
      return openWith((await import("./sqlite")).sqlite, spec);
  }
}
