import { createHash, randomUUID } from "node:crypto";
import { APIError } from "better-auth/api";
import type { Store } from "../store/client";

/**
 * The password sign-in limit, checked before the password is hashed (hashing is what
 * costs the server its CPU): per client address and per account, in one-minute windows
 * kept in the store's rate_limits table (so every web process shares them). A successful
 * sign-in is taken back off both counts: a team behind one address signing in all morning
 * never meets the limit, only wrong passwords do.
 *
 * A request whose client address no server stamped (a bare `next start`, not
 * scripts/serve.ts) is limited per account only: counting every such client in one shared
 * bucket would let a few wrong passwords lock everybody out. The server warns at start
 * that the per-client limit is off (lib/server/startup.ts).
 */

export const SIGN_IN_WINDOW_SECONDS = 60;
/** Attempts one client address may make per minute; CUSTODIAN_SIGN_IN_ATTEMPTS_PER_MINUTE. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 5;
/** Attempts on one account per minute, from every address together; CUSTODIAN_SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE. */
export const SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE = 10;

export interface SignInLimits {
  perClient: number;
  perAccount: number;
}

export function signInLimits(env: Record<string, string | undefined>): SignInLimits {
  const read = (name: string, fallback: number) => {
    const n = Number(env[name] || fallback); // empty counts as unset (lib/env.ts)
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1`);
    return n;
  };
  return {
    perClient: read("CUSTODIAN_SIGN_IN_ATTEMPTS_PER_MINUTE", SIGN_IN_ATTEMPTS_PER_MINUTE),
    perAccount: read("CUSTODIAN_SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE", SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE),
  };
}

/** Who is trying: the client's address (null: unknown, then only the account is counted) and the email typed. */
export interface SignInAttempt {
  client: string | null;
  email: string;
}

// The email is kept only as a hash: a typed email is personal data, even a mistyped one.
const clientKey = (client: string) => `custodian:sign-in:client:${client}`;
const accountKey = (email: string) => `custodian:sign-in:account:${createHash("sha256").update(email.trim().toLowerCase()).digest("hex")}`;

/**
 * Counts one attempt against `key` and returns the count in the current window, in one
 * statement: concurrent attempts each see their own count, none slips past a stale read.
 */
async function countAttempt(store: Store, key: string, now: number): Promise<number> {
  const windowStart = now - SIGN_IN_WINDOW_SECONDS * 1000;
  const [row] = await store.prisma.$queryRaw<{ count: number }[]>`
    INSERT INTO rate_limits (id, key, count, last_request) VALUES (${randomUUID()}, ${key}, 1, ${BigInt(now)})
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limits.last_request <= ${BigInt(windowStart)} THEN 1 ELSE rate_limits.count + 1 END,
      last_request = CASE WHEN rate_limits.last_request <= ${BigInt(windowStart)} THEN ${BigInt(now)} ELSE rate_limits.last_request END
    RETURNING count`;
  return Number(row.count);
}

/**
 * The one refusal of a sign-in over the limit (429, with Retry-After). Anything to do when
 * a sign-in is refused for the limit (recording it) belongs here.
 */
export function refuseSignIn(which: "client" | "account"): never {
  throw new APIError(
    "TOO_MANY_REQUESTS",
    {
      message:
        which === "client"
          ? "Too many sign-in attempts from this address. Wait a minute, then try again."
          : "Too many sign-in attempts on this account. Wait a minute, then try again.",
      code: "TOO_MANY_SIGN_IN_ATTEMPTS",
    },
    { "Retry-After": String(SIGN_IN_WINDOW_SECONDS) },
  );
}

/** Counts a password sign-in attempt; refuses it (before any password is hashed) when the client or the account is over its limit. */
export async function admitSignIn(store: Store, attempt: SignInAttempt, limits: SignInLimits, now = Date.now()): Promise<void> {
  if (attempt.client !== null && (await countAttempt(store, clientKey(attempt.client), now)) > limits.perClient) refuseSignIn("client");
  if ((await countAttempt(store, accountKey(attempt.email), now)) > limits.perAccount) refuseSignIn("account");
}

/** A sign-in that succeeded does not count: its attempt is taken back from the client's and the account's counts. */
export async function forgiveSignIn(store: Store, attempt: SignInAttempt): Promise<void> {
  const keys = attempt.client === null ? [accountKey(attempt.email)] : [clientKey(attempt.client), accountKey(attempt.email)];
  await store.prisma.$executeRaw`UPDATE rate_limits SET count = GREATEST(count - 1, 0) WHERE key = ANY(${keys})`;
}
