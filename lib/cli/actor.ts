import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { z } from "zod";
import { mustRecord } from "../audit/must-record";
import type { AuditParams } from "../audit/params";
import type { AuditResult } from "../audit/record";
import { can, PERMISSIONS, type Permission } from "../auth/permissions";
import { usageError } from "../errors/user-error";
import type { Store } from "../store/client";

/** Who a CLI action runs as, and how its audit records are tied together. */
export interface CliActor {
  /** A user's id (--as), else "cli:<OS user>". */
  userId: string;
  roles: readonly string[];
  /** Shown in messages: the email, or the OS user. */
  label: string;
  requestId: string;
}

export interface CliAction {
  /** The console's audit verb for the same action: "cleanups.start", "cleanups.approve". */
  action: string;
  permission: Permission;
  /** "relation:NAME", "job:ID"; null where the console's action names none (an upload, an export) */
  object: string | null;
  params?: AuditParams;
}

const emailSchema = z.email({ message: "--as needs the email of a Custodian user" });

/**
 * The person a CLI action runs as. With --as EMAIL: that user must exist, be active and
 * hold a role with the action's permission (lib/auth/permissions.ts, as in the console),
 * else the action is refused (exit 2) and the refusal is on the audit trail. Without it
 * (only where a command allows that) the OS user, as "cli:<user>", with no roles: shell
 * access to the store is the permission, as it always was for these commands.
 */
export async function cliActor(store: Store, as: string | undefined, act: CliAction): Promise<CliActor> {
  const requestId = `cli-${randomUUID()}`;
  if (as === undefined) return { userId: `cli:${userInfo().username}`, roles: [], label: `cli:${userInfo().username}`, requestId };
  const parsed = emailSchema.safeParse(as.trim());
  if (!parsed.success) throw usageError(`--as ${as}: ${parsed.error.issues[0].message}`);
  const email = parsed.data.toLowerCase();
  const user = await store.prisma.user.findUnique({ where: { email }, select: { id: true, roles: true, active: true } });
  // The trail keeps ids, never an email (lib/audit/params.ts): the reason names none.
  const refuse = async (shown: string, kept: string) => {
    await record(store, { userId: user?.id ?? null, roles: user?.roles ?? [], requestId }, act, "denied", `--as: ${kept}`);
    return usageError(`refused: ${shown}`);
  };
  if (!user) throw await refuse(`no Custodian user has the email ${email}`, "no such user");
  if (!user.active) throw await refuse(`${email} is deactivated`, "user deactivated");
  if (!can(user.roles, act.permission)) {
    const holders = PERMISSIONS[act.permission].join(" or ");
    throw await refuse(`${email} (${user.roles.join(", ") || "no role"}) may not do this: ${act.action} needs the ${holders} role`, `needs ${act.permission}`);
  }
  return { userId: user.id, roles: user.roles, label: email, requestId };
}

/**
 * Runs an action the way the console's server actions are audited: "started" before it
 * runs, then "ok" or "failed" (with the reason) under the same request id, actor = the
 * CLI's person, source "cli".
 */
export async function audited<T>(store: Store, actor: CliActor, act: CliAction, run: () => Promise<T>, refusalOf?: (value: T) => string | null): Promise<T> {
  await record(store, actor, act, "started", null);
  let value: T;
  try {
    value = await run();
  } catch (err) {
    await record(store, actor, act, "failed", (err as Error)?.message ?? String(err));
    throw err;
  }
  const refusal = refusalOf?.(value) ?? null;
  await record(store, actor, act, refusal ? "failed" : "ok", refusal);
  return value;
}

function record(
  store: Store,
  actor: Pick<CliActor, "roles" | "requestId"> & { userId: string | null },
  act: CliAction,
  result: AuditResult,
  reason: string | null,
) {
  return mustRecord(store, {
    actorId: actor.userId,
    actorRoles: actor.roles,
    action: act.action,
    object: act.object,
    params: { ...act.params, source: "cli" },
    result,
    reason,
    requestId: actor.requestId,
  });
}
