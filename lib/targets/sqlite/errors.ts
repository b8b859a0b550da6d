import { describeCause, TargetError, type TargetErrorKind } from "../errors";

export function mapSqliteError(target: string, err: unknown): TargetError {
  const code = (err as { code?: string })?.code ?? "";
  const msg = describeCause(err);
  let kind: TargetErrorKind = "query_failed";
  if (/^no such table/i.test(msg)) kind = "unknown_table";
  else if (/^no such column/i.test(msg)) kind = "unknown_column";
  else if (code === "SQLITE_CANTOPEN" || code === "SQLITE_NOTADB" || /unable to open|directory does not exist/i.test(msg)) kind = "unreachable";
  else if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) kind = "locked";
  else if (code.startsWith("SQLITE_READONLY") || code === "SQLITE_AUTH" || code === "SQLITE_PERM") kind = "permission_denied";
  else if (code === "SQLITE_INTERRUPT") kind = "timeout";
  const prefix = kind === "unreachable" ? `cannot open target "${target}"` : target;
  return new TargetError(kind, target, `${prefix}: ${msg}`, err);
}
