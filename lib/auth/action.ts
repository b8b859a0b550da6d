import "server-only";
import { createSafeActionClient } from "next-safe-action";
import { forbidden, unauthorized } from "next/navigation";
import { z } from "zod";
import { scrubParams } from "../audit/params";
import { recordAudit } from "../audit/record";
import { errorFields, log } from "../log/logger";
import { getStore } from "../server/store";
import { ExpectedError } from "./errors";
import { can, PERMISSION_NAMES, type Permission } from "./permissions";
import { requestContext } from "./session";

/**
 * The one way to write a server action: `action.metadata({ action, permission, audit })
 * .inputSchema(zod).action(fn)`. The middleware below signs the caller in, checks the
 * permission, lets next-safe-action validate the input, runs the action and appends an
 * audit event whatever happened (ok, denied, failed). A test calls every server action
 * of the app signed out and with no role, and fails if one is not refused.
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

/** Refusals the person can act on are shown as they are; anything else is logged and masked. */
function handleServerError(err: Error, { metadata, ctx }: { metadata?: { action?: string }; ctx?: object }): string {
  if (err instanceof ExpectedError) return err.message;
  const requestId = (ctx as { requestId?: string } | undefined)?.requestId;
  log().child({ requestId }).error({ action: metadata?.action, ...errorFields(err) }, `action ${metadata?.action ?? "?"} failed`);
  return "Something went wrong; the server log has the details.";
}

export const action = createSafeActionClient({ defineMetadataSchema: () => metadataSchema, handleServerError }).use(async ({ next, metadata, clientInput }) => {
  const { actor, requestId } = await requestContext();
  const store = await getStore();
  const input = (typeof clientInput === "object" && clientInput !== null ? clientInput : {}) as Record<string, unknown>;
  const objectOf = (values: Record<string, unknown> | undefined) =>
    metadata.object && values && values[metadata.object[1]] != null ? `${metadata.object[0]}:${String(values[metadata.object[1]])}` : null;
  const audit = (result: "ok" | "denied" | "failed", reason: string | null, values: Record<string, unknown> | undefined) =>
    recordAudit(store, {
      actorId: actor?.userId ?? null,
      actorRoles: actor?.roles ?? [],
      action: metadata.action,
      object: objectOf(values),
      params: scrubParams(values, metadata.audit ?? []),
      result,
      reason,
      requestId,
    });

  if (!actor) {
    await audit("denied", "not signed in", input);
    unauthorized();
  }
  if (!can(actor.roles, metadata.permission)) {
    await audit("denied", `needs ${metadata.permission}`, input);
    forbidden();
  }
  const result = await next({ ctx: { actor, requestId, store } });
  const parsed = (result.parsedInput ?? input) as Record<string, unknown>;
  if (result.validationErrors) await audit("failed", "invalid input", input);
  else if (result.serverError !== undefined) await audit("failed", String(result.serverError), parsed);
  else if (result.success || result.navigationKind === "redirect") await audit("ok", null, parsed);
  else await audit("failed", result.navigationKind ?? "not completed", parsed);
  return result;
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
  const result = await next({ ctx: { requestId, store } });
  const ok = result.success || result.navigationKind === "redirect";
  const reason = result.validationErrors ? "invalid input" : result.serverError !== undefined ? String(result.serverError) : null;
  await recordAudit(store, {
    actorId: null,
    actorRoles: [],
    action: metadata.action,
    result: ok && !reason ? "ok" : "failed",
    reason,
    requestId,
  });
  return result;
});
