import { randomUUID } from "node:crypto";
import { createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { scrubParams } from "../audit/params";
import { recordAudit } from "../audit/record";
import type { Store } from "../store/client";

/**
 * What the auth library's endpoints (/api/auth/…) leave in the audit trail: sign-ins
 * (ok, failed, refused by the rate limit), sign-outs, and every self-service change a
 * signed-in person can make to their own account (name, password, sessions…), which
 * no server action covers. Ids only: never an email, a name, a password or a token.
 */

/** Self-service endpoints and the body keys worth recording (options, never values a person typed). */
const SELF_SERVICE: Record<string, { action: string; params?: (body: Record<string, unknown>) => Record<string, unknown> }> = {
  "/update-user": { action: "auth.update_user", params: (b) => ({ fields: Object.keys(b).sort() }) },
  "/change-password": { action: "auth.change_password", params: (b) => ({ revokeOtherSessions: b.revokeOtherSessions === true }) },
  "/set-password": { action: "auth.set_password" },
  "/change-email": { action: "auth.change_email" },
  "/delete-user": { action: "auth.delete_user" },
  "/revoke-session": { action: "auth.revoke_session" },
  "/revoke-sessions": { action: "auth.revoke_sessions" },
  "/revoke-other-sessions": { action: "auth.revoke_other_sessions" },
  "/unlink-account": { action: "auth.unlink_account", params: (b) => ({ providerId: b.providerId }) },
  "/link-social": { action: "auth.link_social", params: (b) => ({ provider: b.provider }) },
};

/** The id the proxy gave this request (proxy.ts replaces any the client sent); a fresh one for a call from inside the server. */
const requestIdOf = (headers: Headers | undefined | null) => headers?.get("x-request-id") ?? randomUUID();

type RolesOf = (userId: string) => Promise<string[]>;
interface Before {
  userId: string | null;
  object: string | null;
}

/** What runs in the same hooks before the audit's own work (the sign-in limit, lib/auth/auth.ts). */
type AuthMiddlewareContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];
export interface ExtraHooks {
  before?: (ctx: AuthMiddlewareContext) => Promise<void>;
  after?: (ctx: AuthMiddlewareContext) => Promise<void>;
}

export function authAuditHooks(store: Store, rolesOf: RolesOf, extra: ExtraHooks = {}) {
  // Who asked, read before the endpoint runs: revoking sessions ends the one that asked.
  const asked = new WeakMap<object, Before>();

  const before = createAuthMiddleware(async (ctx) => {
    await extra.before?.(ctx);
    if (ctx.path === "/sign-out") {
      const session = await getSessionFromCtx(ctx).catch(() => null);
      if (!session) return;
      await recordAudit(store, {
        actorId: session.user.id,
        actorRoles: await rolesOf(session.user.id),
        action: "auth.sign_out",
        result: "ok",
        requestId: requestIdOf(ctx.headers),
      });
      return;
    }
    if (!SELF_SERVICE[ctx.path] || !ctx.request) return;
    const session = await getSessionFromCtx(ctx).catch(() => null);
    let object = session ? `user:${session.user.id}` : null;
    const token = (ctx.body as Record<string, unknown> | undefined)?.token;
    if (ctx.path === "/revoke-session" && typeof token === "string") {
      // the session by its id: its token is a secret
      const target = await store.prisma.session.findUnique({ where: { token }, select: { id: true } });
      object = target ? `session:${target.id}` : null;
    }
    asked.set(ctx.request, { userId: session?.user.id ?? null, object });
  });

  const after = createAuthMiddleware(async (ctx) => {
    await extra.after?.(ctx);
    const requestId = requestIdOf(ctx.headers);
    const returned = ctx.context.returned;
    const refused = isAPIError(returned) ? returned : null;
    const self = SELF_SERVICE[ctx.path];
    if (self) {
      const who = (ctx.request && asked.get(ctx.request)) ?? { userId: null, object: null };
      await recordAudit(store, {
        actorId: who.userId,
        actorRoles: who.userId ? await rolesOf(who.userId) : [],
        action: self.action,
        object: who.object,
        params: scrubParams(self.params?.((ctx.body ?? {}) as Record<string, unknown>)),
        result: !refused ? "ok" : refused.statusCode === 401 ? "denied" : "failed",
        reason: refused ? (refused.statusCode === 401 ? "not signed in" : refused.message || String(refused.status)) : null,
        requestId,
      });
      return;
    }
    if (!ctx.path.startsWith("/sign-in") && !ctx.path.startsWith("/oauth2/callback")) return;
    // a refusal by the rate limit is recorded where it is answered (auditRateLimited), once
    if (refused?.statusCode === 429) return;
    const session = ctx.context.newSession;
    if (session) {
      await recordAudit(store, {
        actorId: session.user.id,
        actorRoles: await rolesOf(session.user.id),
        action: "auth.sign_in",
        params: { method: ctx.path.startsWith("/sign-in/email") ? "password" : "oidc" },
        result: "ok",
        requestId,
      });
    } else if (ctx.path === "/sign-in/email") {
      await auditFailedSignIn(store, ctx.headers);
    }
  });

  return { before, after };
}

/** A failed password sign-in. Who tried is not recorded: an email typed into a failed sign-in is personal data. */
export function auditFailedSignIn(store: Store, headers: Headers | undefined | null) {
  return recordAudit(store, {
    actorId: null,
    actorRoles: [],
    action: "auth.sign_in",
    params: { method: "password" },
    result: "failed",
    reason: "wrong email or password, or a deactivated account",
    requestId: requestIdOf(headers),
  });
}

/**
 * The auth library answers a rate-limited request (429) before any hook runs: this wraps
 * its handler so each refusal is recorded as denied, the sign-in's method kept, the
 * address that tried not (it is personal data).
 */
export function auditRateLimited(handler: (request: Request) => Promise<Response>, store: Store, basePath = "/api/auth") {
  return async (request: Request): Promise<Response> => {
    const response = await handler(request);
    if (response.status !== 429) return response;
    const path = new URL(request.url).pathname.slice(basePath.length) || "/";
    const signIn = path.startsWith("/sign-in");
    await recordAudit(store, {
      actorId: null,
      actorRoles: [],
      action: signIn ? "auth.sign_in" : "auth.request",
      object: signIn ? null : `path:${path.slice(0, 200)}`,
      params: signIn ? { method: path.startsWith("/sign-in/email") ? "password" : "oidc" } : {},
      result: "denied",
      reason: "rate limited: too many attempts (from this address or on this account)",
      requestId: requestIdOf(request.headers),
    });
    return response;
  };
}
