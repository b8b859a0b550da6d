import { isTargetError, type TargetErrorKind } from "../targets/errors";
import { UserError, type UserErrorKind } from "./user-error";

/** A target's failure as the person reads it: only the kind changes, the message (naming the target) stays. */
const TARGET_KINDS: Record<TargetErrorKind, UserErrorKind> = {
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

/**
 * The one place an error becomes something to show: a UserError as it is, a target's
 * failure by its kind, anything else null (a defect: log it, show nothing of it).
 */
export function userErrorOf(err: unknown): UserError | null {
  if (err instanceof UserError) return err;
  if (isTargetError(err)) return new UserError(TARGET_KINDS[err.kind], err.message, { cause: err });
  return null;
}
