import type { Permission } from "../../auth/permissions";
import type { Config } from "../../config/types";
import { usageError } from "../../errors/user-error";
import { approvePrevention, cancelPrevention, preventionStatus, rejectPrevention } from "../../prevention/jobs";
import type { Store } from "../../store/client";
import { audited, cliActor } from "../actor";
import { EXIT, type Output } from "../io";
import { runPreventionHere } from "./prevent-run";

/** The constraint job page's verbs, as the console audits them. A constraint job is never paused: one DDL step is not stopped half-way. */
const VERBS = {
  approve: { action: "prevention.approve", permission: "jobs.approve" },
  reject: { action: "prevention.reject", permission: "jobs.approve" },
  cancel: { action: "prevention.cancel", permission: "prevention.apply" },
} as const satisfies Record<string, { action: string; permission: Permission }>;

/**
 * `custodian job ID approve|reject|cancel --as EMAIL` on a constraint job: the same rules
 * as its console page (a second person approves); approve then runs it here to its end.
 */
export async function preventionVerb(
  store: Store,
  out: Output,
  opts: { id: string; verb: string; as: string; reason?: string; config: () => Config },
): Promise<number> {
  const { id, verb, as, reason } = opts;
  if (verb !== "approve" && verb !== "reject" && verb !== "cancel") throw usageError(`a constraint job cannot be ${verb}d: approve, reject or cancel it`);
  const act = { ...VERBS[verb], object: `prevention_job:${id}`, params: { jobId: id } };
  const actor = await cliActor(store, as, act);
  await audited(store, actor, act, async () => {
    if (verb === "approve") await approvePrevention(store, id, actor.userId);
    else if (verb === "reject") await rejectPrevention(store, id, actor.userId, reason!);
    else await cancelPrevention(store, id);
  });
  out.progress(`constraint job ${id}: ${verb === "approve" ? "approved" : verb === "reject" ? "rejected" : "cancelled"} by ${actor.label}`);
  if (verb === "approve") return await runPreventionHere(store, opts.config(), out, id);
  const j = (await preventionStatus(store, id))!;
  out.result({ jobId: j.id, status: j.status }, () => `constraint job ${j.id}: ${j.status.replace(/_/g, " ")}`);
  return EXIT.ok;
}
