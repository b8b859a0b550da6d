/**
 * Every driver's failure maps into one of these, so the UI and CLI can say exactly
 * what went wrong (and never report 0 orphans for a relation that was not scanned).
 */
export type TargetErrorKind =
  | "unreachable"
  | "auth_failed"
  | "unknown_database"
  | "unknown_table"
  | "unknown_column"
  | "permission_denied"
  | "timeout"
  | "locked"
  | "query_failed";

export class TargetError extends Error {
  constructor(
    readonly kind: TargetErrorKind,
    readonly target: string,
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = "TargetError";
  }
}

export function isTargetError(err: unknown): err is TargetError {
  return err instanceof TargetError;
}

/** Network-level failures look the same whatever the driver. */
export function networkErrorKind(err: unknown): TargetErrorKind | null {
  const code = (err as { code?: string })?.code;
  if (!code) return null;
  if (["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "EAI_AGAIN", "EPIPE"].includes(code)) {
    return "unreachable";
  }
  if (code === "ETIMEDOUT" || code === "PROTOCOL_SEQUENCE_TIMEOUT") return "unreachable";
  return null;
}

export function describeCause(err: unknown): string {
  const message = (err as { message?: unknown })?.message;
  if (typeof message === "string" && message) return message.split("\n")[0];
  return String(err);
}
