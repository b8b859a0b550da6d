import { getSessionCookie } from "better-auth/cookies";

/** The prefix of Custodian's auth cookies (`custodian.session_token`), given to better-auth in auth.ts. */
export const SESSION_COOKIE_PREFIX = "custodian";

/**
 * Whether the request carries a session cookie at all (valid or not: only the store can say).
 * Without one there is no session to look up, so the store need not be asked.
 */
export function hasSessionCookie(headers: Headers): boolean {
  return getSessionCookie(headers, { cookiePrefix: SESSION_COOKIE_PREFIX }) !== null;
}
