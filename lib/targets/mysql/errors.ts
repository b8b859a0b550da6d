import { describeCause, networkErrorKind, TargetError, type TargetErrorKind } from "../errors";

const BY_CODE: Record<string, TargetErrorKind> = {
  ER_NO_SUCH_TABLE: "unknown_table",
  ER_BAD_TABLE_ERROR: "unknown_table",
  ER_BAD_FIELD_ERROR: "unknown_column",
  ER_TABLEACCESS_DENIED_ERROR: "permission_denied",
  ER_COLUMNACCESS_DENIED_ERROR: "permission_denied",
  ER_DBACCESS_DENIED_ERROR: "permission_denied",
  ER_SPECIFIC_ACCESS_DENIED_ERROR: "permission_denied",
  ER_ACCESS_DENIED_ERROR: "auth_failed",
  ER_BAD_DB_ERROR: "unknown_database",
  ER_QUERY_TIMEOUT: "timeout", // MySQL max_execution_time
  ER_STATEMENT_TIMEOUT: "timeout", // MariaDB max_statement_time
  ER_QUERY_INTERRUPTED: "timeout",
  ER_LOCK_WAIT_TIMEOUT: "locked",
  ER_LOCK_DEADLOCK: "locked", // InnoDB chose this transaction as the victim: retrying is the remedy
  PROTOCOL_CONNECTION_LOST: "unreachable",
  ER_CONNECTION_KILLED: "unreachable", // MariaDB: KILL, or the server going away mid-statement
  ER_SERVER_SHUTDOWN: "unreachable",
  ER_CON_COUNT_ERROR: "unreachable",
};

export function mapMysqlError(target: string, err: unknown): TargetError {
  const code = (err as { code?: string })?.code ?? "";
  const msg = describeCause(err);
  const net = networkErrorKind(err);
  if (net) return new TargetError(net, target, `cannot reach target "${target}": ${msg}`, err);
  // mysql2 reuses a pooled connection the server has since closed with this message, and no code.
  if (/connection is in closed state|Connection lost/i.test(msg)) return new TargetError("unreachable", target, `cannot reach target "${target}": ${msg}`, err);
  const kind = BY_CODE[code] ?? (/max_statement_time exceeded|maximum statement execution time exceeded/i.test(msg) ? "timeout" : "query_failed");
  if (kind === "unreachable") return new TargetError(kind, target, `cannot reach target "${target}": ${msg}`, err);
  return new TargetError(kind, target, `${target}: ${msg}`, err);
}
