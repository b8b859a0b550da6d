import "server-only";
import { createSafeActionClient } from "next-safe-action";
import { forbidden, unauthorized } from "next/navigation";
import { z } from "zod";
import { AuditWriteError, mustRecord } from "../audit/must-record";
import { userErrorOf } from "../errors/map";
import { scrubParams } from "../audit/params";
import { auditObjectText } from "../audit/storable";
import type { AuditResult } from "../audit/record";
import { errorFields, log } from "../log/logger";
import { getStore } from "../store/web";
import { can, PERMISSION_NAMES, type Permission } from "./permissions";
import { requestContext } from "./session";

/**
 * The one way to write a server action: `action.metadata({ action, permission, audit })
 * .inputSchema(zod).action(fn)`. The middleware below signs the caller in, checks the
 * permission, lets next-safe-action validate the input, runs the action and appends an
 * audit event whatever happened (ok, denied, failed). A test calls every server action
 * of the app signed out and with no role, and fails if one is not refused.
 *
 * No call runs unaudited: a refusal is recorded before it is answered, and an allowed
 * call is recorded as "started" before it runs; if that write fails, the call is not
 * run. Its outcome follows under the same request id. An action that creates its object
 * (a user, an invitation) names it with `ctx.auditObject("user:…")`.
 */
const metadataSchema = z.object({
  /** dotted verb recorded in the audit trail: "users.create" */
  action: z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/),
  permission: z.enum(PERMISSION_NAMES as [Permission, ...Permission[]]),
  /** input keys worth recording (ids and options; never personal data) */
  audit: z.array(z.string()).optional(),
  /** input key naming the object acted on, recorded as "<objectType>:<value>" */
  object: z.tuple([z.string(), z.string()]).optional(),
});

export type ActionMetadata = z.infer<typeof metadataSchema>;

/** What the person can act on (a UserError, lib/errors) is shown as it is; anything else is logged and masked. */
function handleServerError(err: Error, { metadata, ctx }: { metadata?: { action?: string }; ctx?: object }): string {
  const shown = userErrorOf(err);
  if (shown) return shown.message;
  const requestId = (ctx as { requestId?: string } | undefined)?.requestId;
  log()
    .child({ requestId })
    .error({ action: metadata?.action, ...errorFields(err) }, `action ${metadata?.action ?? "?"} failed`);
  return "Something went wrong; the server log has the details.";
}

type Outcome = { success?: boolean; serverError?: unknown; validationErrors?: unknown; navigationKind?: string; data?: unknown; parsedInput?: unknown };

/** What the call came to, for the audit trail. */
function outcomeOf(result: Outcome): { result: AuditResult; reason: string | null } {
  if (result.validationErrors) return { result: "failed", reason: "invalid input" };
  if (result.serverError !== undefined) return { result: "failed", reason: String(result.serverError) };
  if (result.success || result.navigationKind === "redirect") return { result: "ok", reason: null };
  return { result: "failed", reason: result.navigationKind ?? "not completed" };
}

/**
 * The outcome could not be recorded after the call ran: the "started" record stands, the
 * full record is in the server log, and the caller is told the call failed to be audited
 * rather than shown a success the trail does not hold.
 */
function unrecorded<R extends Outcome>(result: R, err: unknown): R {
  if (!(err instanceof AuditWriteError)) throw err;
  return Object.assign(result, { success: false, data: undefined, serverError: err.message });
}

export const action = createSafeActionClient({ defineMetadataSchema: () => metadataSchema, handleServerError }).use(async ({ next, metadata, clientInput }) => {
  const { actor, requestId } = await requestContext();
  const store = await getStore();
  const input = (typeof clientInput === "object" && clientInput !== null ? clientInput : {}) as Record<string, unknown>;
  let named: string | null = null;
  // Capped (auditObjectText): the input it is taken from is the caller's, signed in or not.
  const objectOf = (values: Record<string, unknown> | undefined) =>
    auditObjectText(
      named ?? (metadata.object && values && values[metadata.object[1]] != null ? `${metadata.object[0]}:${String(values[metadata.object[1]])}` : null),
    );
  const audit = (result: AuditResult, reason: string | null, values: Record<string, unknown> | undefined, failure?: string) =>
    mustRecord(
      store,
      {
        actorId: actor?.userId ?? null,
        actorRoles: actor?.roles ?? [],
        action: metadata.action,
        object: objectOf(values),
        params: scrubParams(values, metadata.audit ?? []),
        result,
        reason,
        requestId,
      },
      failure,
    );

  if (!actor) {
    await audit("denied", "not signed in", input);
    unauthorized();
  }
  if (!can(actor.roles, metadata.permission)) {
    await audit("denied", `needs ${metadata.permission}`, input);
    forbidden();
  }
  await audit("started", null, input);
  const result = await next({ ctx: { actor, requestId, store, auditObject: (object: string) => void (named = object) } });
  const { result: outcome, reason } = outcomeOf(result);
  const values = outcome === "failed" && reason === "invalid input" ? input : ((result.parsedInput ?? input) as Record<string, unknown>);
  return audit(outcome, reason, values, `${metadata.action} ran but its outcome could not be recorded`).then(
    () => result,
    (err) => unrecorded(result, err),
  );
});

/**
 * The only actions a signed-out person may call: each is gated by something other than
 * a session (a one-time setup token) and says why in `public`. Validated and audited
 * like the others; the "every action is guarded" test lists them by name.
 */
export const publicAction = createSafeActionClient({
  defineMetadataSchema: () => z.object({ action: metadataSchema.shape.action, public: z.string().min(10) }),
  handleServerError,
}).use(async ({ next, metadata }) => {
  const { requestId } = await requestContext();
  const store = await getStore();
  let named: string | null = null;
  const audit = (result: AuditResult, reason: string | null, failure?: string) =>
    mustRecord(store, { actorId: null, actorRoles: [], action: metadata.action, object: named, result, reason, requestId }, failure);
  await audit("started", null);
  const result = await next({ ctx: { requestId, store, auditObject: (object: string) => void (named = object) } });
  const { result: outcome, reason } = outcomeOf(result);
  return audit(outcome, reason, `${metadata.action} ran but its outcome could not be recorded`).then(
    () => result,
    (err) => unrecorded(result, err),
  );
});
