import type { Adapter } from "../dialect";
import { parseMysqlKeyValue } from "./key-values";

/** MySQL 8 and MariaDB 10.x. */
export const mysqlAdapter: Adapter = {
  inProcess: false,
  rowLocks: true,
  deleteRechecksLatest: true,
  // MariaDB has DELETE … RETURNING, MySQL 8 does not: one adapter serves both.
  deleteReturning: "never",
  implicitRowKey: null,
  // MariaDB's exists_to_in turns a cleanup's NOT EXISTS into NOT IN (subquery) and
  // materializes the parent's whole key per statement: 92 ms for a batch's candidates and
  // 250 ms for its lock at 200K parents, ~2 ms each as a correlated count (PostgreSQL keeps
  // NOT EXISTS: there the count's cost estimate switches JIT on, 150 ms).
  orphanProbe: "count",
  keyLists: "parameters",
  typedColumns: true,
  /** One JSON parameter per lookup (≤ max_allowed_packet); placeholders cap at 65,535 for the fallback. */
  lookupBatchSize: (columnCount) => Math.min(5000, Math.floor(60_000 / columnCount)),
  parseKeyValue: parseMysqlKeyValue,
};
