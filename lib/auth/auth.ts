import { randomUUID } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import type { Store } from "../store/client";
import { auditRateLimited, authAuditHooks } from "./audit-hooks";
import { oidcPlugins } from "./oidc";
import { publicUrl, trustedOrigins } from "./origin";
import { authSecret } from "./secret";

export const MIN_PASSWORD_LENGTH = 12;
/**
 * Sign-in attempts one client address may make per minute (then 429 until the window
 * passes); CUSTODIAN_SIGN_IN_ATTEMPTS_PER_MINUTE changes it (the browser tests, which sign
 * in dozens of times from one address, raise it).
 */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 5;

function signInLimit(env: Record<string, string | undefined>): number {
  const n = Number(env.CUSTODIAN_SIGN_IN_ATTEMPTS_PER_MINUTE ?? SIGN_IN_ATTEMPTS_PER_MINUTE);
  if (!Number.isInteger(n) || n < 1) throw new Error("CUSTODIAN_SIGN_IN_ATTEMPTS_PER_MINUTE must be a whole number of at least 1");
  return n;
}
export const SESSION_HOURS = 12;

/**
 * better-auth: email + password (scrypt hashes), sessions in http-only cookies held in
 * the store, a sign-in rate limit kept in the store (so every web process shares it),
 * optional OIDC. Accounts are created by an admin or a one-time setup link, never by
 * open sign-up. Who may do what is Custodian's own business (permissions.ts).
 */
export function createAuth(store: Store, env: Record<string, string | undefined> = process.env) {
  const baseURL = publicUrl(env);
  const prisma = store.prisma;
  const rolesOf = async (userId: string) => (await prisma.user.findUnique({ where: { id: userId }, select: { roles: true } }))?.roles ?? [];

  const auth = betterAuth({
    appName: "Custodian",
    baseURL,
    secret: authSecret(env),
    trustedOrigins: trustedOrigins(baseURL),
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    telemetry: { enabled: false },
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: MIN_PASSWORD_LENGTH, maxPasswordLength: 256 },
    session: { expiresIn: SESSION_HOURS * 3600, updateAge: 3600 },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 200,
      customRules: { "/sign-in/email": { window: 60, max: signInLimit(env) }, "/sign-in/oauth2": { window: 60, max: 20 } },
    },
    advanced: {
      cookiePrefix: "custodian",
      useSecureCookies: baseURL.startsWith("https:"),
      ipAddress: { ipAddressHeaders: ["x-forwarded-for", "x-real-ip"] },
      database: { generateId: () => randomUUID() },
    },
    databaseHooks: {
      session: {
        create: {
          // A deactivated user gets no session, whichever way they sign in.
          before: async (session) => {
            const user = await prisma.user.findUnique({ where: { id: session.userId }, select: { active: true } });
            return user?.active ? undefined : false;
          },
        },
      },
    },
    // sign-ins, sign-outs and self-service account changes, audited (./audit-hooks.ts)
    hooks: authAuditHooks(store, rolesOf),
    plugins: [...oidcPlugins(env), nextCookies()],
  });
  // a refusal by the rate limit is answered before any hook: recorded around the handler
  auth.handler = auditRateLimited(auth.handler, store, new URL(baseURL).pathname.replace(/\/$/, "") + "/api/auth");
  return auth;
}

export type Auth = ReturnType<typeof createAuth>;
