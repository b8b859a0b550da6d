import { randomUUID } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { stampedClientAddress } from "./client-address-stamp";
import type { Store } from "../store/client";
import { auditFailedSignIn, auditRateLimited, authAuditHooks } from "./audit-hooks";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { oidcPlugins } from "./oidc";
import { publicUrl, trustedOrigins } from "./origin";
import { authSecret } from "./secret";
import { SESSION_COOKIE_PREFIX } from "./session-cookie";
import { admitSignIn, forgiveSignIn, signInLimits, type SignInAttempt } from "./sign-in-limit";

export const MIN_PASSWORD_LENGTH = 12;
export { SIGN_IN_ATTEMPTS_PER_MINUTE } from "./sign-in-limit";
export const SESSION_HOURS = 12;

/** What a wrong password gets; a deactivated account gets exactly this too, right password or not. */
const wrongPassword = () => APIError.from("UNAUTHORIZED", { code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" });

/**
 * better-auth: email + password (scrypt hashes), sessions in http-only cookies held in
 * the store, a sign-in rate limit kept in the store (so every web process shares it),
 * optional OIDC. Accounts are created by an admin or a one-time setup link, never by
 * open sign-up. Who may do what is Custodian's own business (permissions.ts).
 */
export function createAuth(store: Store, env: Record<string, string | undefined> = process.env) {
  const baseURL = publicUrl(env);
  const prisma = store.prisma;
  const limits = signInLimits(env);
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
    // The library's limiter, for its other endpoints. Password sign-in has Custodian's own
    // (sign-in-limit.ts: per client and per account, successes not counted).
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 200,
      customRules: { "/sign-in/email": false, "/sign-in/oauth2": { window: 60, max: 20 } },
    },
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      useSecureCookies: baseURL.startsWith("https:"),
      // Set by Custodian's HTTP server from the socket (client-address.ts), never the client's X-Forwarded-For.
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
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
    // Sign-ins, sign-outs and self-service account changes, audited (./audit-hooks.ts); the
    // password sign-in limit and the deactivated-account answer run first, in `before`.
    hooks: authAuditHooks(store, rolesOf, {
      before: async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const attempt = signInAttempt(ctx.headers, ctx.body);
        // Before the library hashes anything: past the limit, no password is looked at.
        await admitSignIn(store, attempt, limits);
        const user = await prisma.user.findUnique({
          where: { email: attempt.email.trim().toLowerCase() },
          select: { active: true, accounts: { where: { providerId: "credential" }, select: { password: true } } },
        });
        if (user && !user.active) {
          // The same work and the same answer as a wrong password, right password or not:
          // a deactivated account must not tell whether a guess was right.
          const hash = user.accounts[0]?.password;
          const password = typeof ctx.body?.password === "string" ? ctx.body.password : "";
          if (hash) await ctx.context.password.verify({ hash, password });
          else await ctx.context.password.hash(password);
          await auditFailedSignIn(store, ctx.headers);
          throw wrongPassword();
        }
      },
      after: async (ctx) => {
        if (ctx.path === "/sign-in/email" && ctx.context.newSession) await forgiveSignIn(store, signInAttempt(ctx.headers, ctx.body));
      },
    }),
    plugins: [...oidcPlugins(env), nextCookies()],
  });
  // a refusal by the rate limit is answered before any hook: recorded around the handler
  auth.handler = auditRateLimited(auth.handler, store, new URL(baseURL).pathname.replace(/\/$/, "") + "/api/auth");
  return auth;
}

/** The client (as Custodian's HTTP server stamped it; null when none did) and the email typed. */
function signInAttempt(headers: Headers | undefined, body: unknown): SignInAttempt {
  const email = (body as { email?: unknown } | undefined)?.email;
  return { client: headers ? stampedClientAddress(headers) : null, email: typeof email === "string" ? email : "" };
}

export type Auth = ReturnType<typeof createAuth>;
