import type { Adapter } from "../dialect";
import { parsePostgresKeyValue } from "./key-values";

/** PostgreSQL on a server; PGlite's adapter is this one run in-process. */
export const postgresAdapter: Adapter = {
  inProcess: false,
  rowLocks: true,
  /** EvalPlanQual re-checks a waited-for row, but its subqueries keep the statement's snapshot (see Target). */
  deleteRechecksLatest: false,
  deleteReturning: "composite_keys",
  implicitRowKey: null,
  orphanProbe: "fenced_not_exists",
  keyLists: "array",
  typedColumns: true,
  /** One text[] per column is one parameter whatever its length; 5K keys keep each lookup short. */
  lookupBatchSize: () => 5000,
  parseKeyValue: parsePostgresKeyValue,
};
