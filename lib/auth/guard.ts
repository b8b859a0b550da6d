import "server-only";
import { timingSafeEqual } from "node:crypto";
import { forbidden, redirect } from "next/navigation";
import type { z } from "zod";
import { AuditWriteError, mustRecord } from "../audit/must-record";
import { scrubParams } from "../audit/params";
import { errorFields, log } from "../log/logger";
import { getStore } from "../store/web";
import { can, type Permission } from "./permissions";
import { requestContext, type Actor } from "./session";
import { logFailure } from "../errors/logged";

/**
 * For pages: the signed-in actor holding `permission`. Not signed in → the sign-in page
 * (back here afterwards); signed in without the permission → the 403 page, audited as denied.
 */
export async function requirePage(permission: Permission, path: string): Promise<Actor> {
  const { actor, requestId } = await requestContext();
  if (!actor) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  if (!can(actor.roles, permission)) {
    // a refusal that cannot be recorded fails the page instead (never an unrecorded denial)
    await mustRecord(await getStore(), {
      actorId: actor.userId,
      actorRoles: actor.roles,
      action: "page.view",
      object: `page:${path}`,
      params: { permission },
      result: "denied",
      reason: `needs ${permission}`,
      requestId,
    });
    forbidden();
  }
  return actor;
}

/** The actor when signed in, for pages every signed-in person may see (none may be seen signed out). */
export async function requireSignedIn(path: string): Promise<Actor> {
  const { actor } = await requestContext();
  if (!actor) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return actor;
}

export interface RouteSpec<S extends z.ZodType> {
  /** dotted verb recorded in the audit trail */
  action: string;
  permission: Permission;
  /** the query string's shape */
  query: S;
  /** query keys worth recording (ids, filters; never personal data) */
  audit?: readonly (keyof z.infer<S> & string)[];
  /**
   * A read that pages poll every second (job progress): successful calls are not audited,
   * or they would bury the trail; refusals and failures still are.
   */
  quiet?: boolean;
  /**
   * An environment variable holding a bearer token that also opens this route, for
   * machines (a Prometheus scraper) that cannot sign in. Unset: sessions only.
   */
  bearerTokenEnv?: string;
}

/**
 * Every route handler is built with this: zod-validated query, permission, audit. A
 * caller who is not signed in gets 401, one without the permission 403, bad input 400;
 * each is audited like a success. The record is written before the response is returned:
 * when it cannot be, the caller gets a 500 instead of the response (its body is never read).
 */
export function guardedRoute<S extends z.ZodType>(
  spec: RouteSpec<S>,
  handler: (args: { query: z.infer<S>; actor: Actor; request: Request; requestId: string }) => Promise<Response>,
): (request: Request) => Promise<Response> {
  const guarded = async (request: Request): Promise<Response> => {
    const context = await requestContext();
    const { requestId } = context;
    const machine = bearerActor(request, spec.bearerTokenEnv);
    const actor = machine ?? context.actor;
    const store = await getStore();
    const audit = (result: "ok" | "denied" | "failed", reason?: string, params?: Record<string, unknown>) =>
      mustRecord(store, {
        actorId: actor?.userId ?? null,
        actorRoles: actor?.roles ?? [],
        action: spec.action,
        params: scrubParams(params, spec.audit ?? []),
        result,
        reason,
        requestId,
      });
    if (!actor) {
      await audit("denied", "not signed in");
      return text(401, "Sign in first.");
    }
    if (!machine && !can(actor.roles, spec.permission)) {
      await audit("denied", `needs ${spec.permission}`);
      return text(403, `Not allowed: this needs the ${spec.permission} permission.`);
    }
    const parsed = spec.query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const reason = `invalid ${issue.path.join(".") || "query"}: ${issue.message}`;
      await audit("failed", reason);
      return text(400, reason);
    }
    try {
      const response = await handler({ query: parsed.data, actor, request, requestId });
      if (!(spec.quiet && response.ok)) {
        await audit(response.ok ? "ok" : "failed", response.ok ? undefined : `HTTP ${response.status}`, parsed.data as Record<string, unknown>).catch(
          async (err) => {
            // the audit failure is what the caller gets; a body that will not cancel is only logged
            await response.body?.cancel().catch(logFailure("guard", "cancelling the unaudited response body"));
            throw err;
          },
        );
      }
      return response;
    } catch (err) {
      if (err instanceof AuditWriteError) throw err;
      log()
        .child({ requestId })
        .error({ action: spec.action, ...errorFields(err) }, `${spec.action} failed`);
      await audit("failed", (err as Error)?.message ?? String(err), parsed.data as Record<string, unknown>);
      return text(500, `Something went wrong (request ${requestId}); the server log has the details.`);
    }
  };
  const failClosed = (request: Request) =>
    guarded(request).catch((err) => {
      if (err instanceof AuditWriteError) return text(500, err.message);
      throw err;
    });
  return Object.assign(failClosed, { guard: spec });
}

/** The machine caller a valid bearer token stands for; null without one (a wrong one is simply not signed in). */
function bearerActor(request: Request, env: string | undefined): Actor | null {
  const expected = env ? process.env[env]?.trim() : undefined; // as lib/env.ts validated it
  const given = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1];
  if (!expected || !given || expected.length < 16) return null;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b) ? { userId: `token:${env}`, email: "", name: env!, roles: [] } : null;
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}
