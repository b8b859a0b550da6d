import type { TargetSpec } from "../config/types";
import { MysqlTarget } from "./mysql";
import { PGliteTarget } from "./pglite";
import { PostgresTarget } from "./postgres";
import { SqliteTarget } from "./sqlite";
import type { Target } from "./types";

/** The one place that maps a dialect name to its module. */
export async function openTarget(spec: TargetSpec): Promise<Target> {
  switch (spec.dialect) {
    case "postgres":
      return PostgresTarget.open(spec);
    case "pglite":
      return PGliteTarget.open(spec);
    case "mysql":
      return MysqlTarget.open(spec);
    case "sqlite":
      return SqliteTarget.open(spec);
  }
}
