/**
 * What went wrong, as the person who asked can act on it. Every domain error that is the
 * person's to see is (or maps into) a UserError: the console shows its message as is and
 * the CLI prints it and picks its exit code from the kind. Anything else is a defect: the
 * console logs it and shows a generic failure.
 *
 * - usage: the request itself is wrong (bad flag, unknown relation, malformed key, bad config)
 * - refused: understood, but not allowed now (second approver needed, job not pausable, past grace)
 * - not_found: the record asked for does not exist (no such job, request, user)
 * - unreachable: a database or service it needs cannot be reached or signed in to
 * - timeout: it gave up waiting (statement timeout, lock wait)
 */
export const USER_ERROR_KINDS = ["usage", "refused", "not_found", "unreachable", "timeout"] as const;
export type UserErrorKind = (typeof USER_ERROR_KINDS)[number];

export class UserError extends Error {
  constructor(
    readonly kind: UserErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export const usageError = (message: string) => new UserError("usage", message);
export const refused = (message: string) => new UserError("refused", message);
export const notFound = (message: string) => new UserError("not_found", message);
