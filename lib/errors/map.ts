import { UserError } from "./user-error";

/**
 * An error that is not a UserError itself but knows which one it is (a target's failure:
 * lib/targets/errors.ts). lib/errors imports no domain: each domain maps its own errors.
 */
export interface MapsToUserError {
  toUserError(): UserError;
}

function mapsToUserError(err: unknown): err is MapsToUserError {
  return err instanceof Error && typeof (err as Partial<MapsToUserError>).toUserError === "function";
}

/**
 * The one place an error becomes something to show: a UserError as it is, an error that
 * maps into one as that, anything else null (a defect: log it, show nothing of it).
 */
export function userErrorOf(err: unknown): UserError | null {
  if (err instanceof UserError) return err;
  if (mapsToUserError(err)) return err.toUserError();
  return null;
}
