import type { MapsToUserError } from "../errors/map";
import { UserError, type UserErrorKind } from "../errors/user-error";

/**
 * Every driver's failure maps into one of these, so the UI and CLI can say exactly
 * what went wrong (and never report 0 orphans for a relation that was not scanned).
 */
export type TargetErrorKind =
  "unreachable" | "auth_failed" | "unknown_database" | "unknown_table" | "unknown_column" | "permission_denied" | "timeout" | "locked" | "query_failed";

/** A target's failure as the person reads it (lib/errors): only the kind changes, the message naming the target stays. */
const USER_KINDS: Record<TargetErrorKind, UserErrorKind> = {
  unreachable: "unreachable",
  auth_failed: "unreachable",
  unknown_database: "not_found",
  unknown_table: "not_found",
  unknown_column: "not_found",
  permission_denied: "refused",
  timeout: "timeout",
  locked: "timeout",
  query_failed: "refused",
};

export class TargetError extends Error implements MapsToUserError {
  constructor(
    readonly kind: TargetErrorKind,
    readonly target: string,
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = "TargetError";
  }

  toUserError(): UserError {
    return new UserError(USER_KINDS[this.kind], this.message, { cause: this });
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
