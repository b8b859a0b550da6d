import { describeCause, networkErrorKind, TargetError, type TargetErrorKind } from "../errors";

// SQLSTATE classes: https://www.postgresql.org/docs/current/errcodes-appendix.html
const BY_SQLSTATE: Record<string, TargetErrorKind> = {
  "42P01": "unknown_table",
  "3F000": "unknown_table", // invalid_schema_name
  "42703": "unknown_column",
  "42501": "permission_denied",
  "57014": "timeout", // query_canceled: statement_timeout
  "55P03": "locked", // lock_not_available: lock_timeout
  "28P01": "auth_failed",
  "28000": "auth_failed",
  "3D000": "unknown_database",
  "57P01": "unreachable", // admin_shutdown
  "57P03": "unreachable", // cannot_connect_now
  "08006": "unreachable",
  "08001": "unreachable",
};

export function mapPostgresError(target: string, err: unknown): TargetError {
  const code = (err as { code?: string })?.code ?? "";
  const net = networkErrorKind(err);
  const msg = describeCause(err);
  if (net) return new TargetError(net, target, `cannot reach target "${target}": ${msg}`, err);
  // pg's own words for a connection that died under it (cut by the server, or reused after it was)
  if (/timeout expired|Connection terminated|not queryable|connection error|Client was closed/i.test(msg)) {
    return new TargetError("unreachable", target, `cannot reach target "${target}": ${msg}`, err);
  }
  const kind = BY_SQLSTATE[code] ?? "query_failed";
  return new TargetError(kind, target, `${target}: ${msg}`, err);
}
