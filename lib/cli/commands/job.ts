import { z } from "zod";
import type { Permission } from "../../auth/permissions";
import { approveJob, rejectJob } from "../../cleanup/approval";
import { rejectSchema } from "../../cleanup/cleanup.validation";
import { cancelJob, pauseJob, resumeJob } from "../../cleanup/jobs";
import { cleanupStatus } from "../../cleanup/status";
import type { Config } from "../../config/types";
import { usageError } from "../../errors/user-error";
import { openStore } from "../../store/client";
import { audited, cliActor } from "../actor";
import { EXIT, formatCount, type Output } from "../io";
import { runJobHere, summary } from "./cleanup-run";
import { preventionVerb } from "./prevention-verbs";

/** Each verb as the console's job page has it: its audit action and the permission it needs. */
const VERBS = {
  approve: { action: "cleanups.approve", permission: "jobs.approve" },
  reject: { action: "cleanups.reject", permission: "jobs.approve" },
  pause: { action: "cleanups.pause", permission: "cleanups.run" },
  resume: { action: "cleanups.resume", permission: "cleanups.run" },
  cancel: { action: "cleanups.cancel", permission: "cleanups.run" },
} as const satisfies Record<string, { action: string; permission: Permission }>;
type Verb = keyof typeof VERBS;

const inputSchema = z.object({
  id: z.uuid({ message: "expected a job id (a UUID, as custodian jobs lists it)" }),
  verb: z.enum(Object.keys(VERBS) as [Verb, ...Verb[]], { message: `expected one of ${Object.keys(VERBS).join(", ")}` }),
  as: z.string({ message: "--as EMAIL is required: who does this" }),
  rows: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  reason: rejectSchema.shape.reason.optional(),
});

export interface JobOptions {
  id?: string;
  verb?: string;
  as?: string;
  rows?: string;
  reason?: string;
  /** The config, read only by the verbs that run the job on (approve, resume). */
  config: () => Config;
}

/**
 * `custodian job ID approve|reject|pause|resume|cancel --as EMAIL`: what the console's job
 * page does, with the same rules (lib/cleanup/approval.ts: a second person approves, and
 * only a job awaiting approval), permission-checked and audited as that user. Approve and
 * resume then run the job here to its end, as `cleanup --execute` does.
 */
export async function jobCommand(out: Output, opts: JobOptions): Promise<number> {
  const parsed = inputSchema.safeParse(opts);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw usageError(`${issue.path[0] === "id" || issue.path[0] === "verb" ? "custodian job ID VERB" : `--${String(issue.path[0])}`}: ${issue.message}`);
  }
  const { id, verb, as, rows, reason } = parsed.data;
  if (rows !== undefined && verb !== "approve") throw usageError("--rows goes with approve");
  if (reason !== undefined && verb !== "reject") throw usageError("--reason goes with reject");
  if (verb === "reject" && reason === undefined) throw usageError("reject needs --reason TEXT: say why the cleanup is rejected");
  const config = verb === "approve" || verb === "resume" ? opts.config() : null;
  const store = await openStore({ purpose: `custodian job ${verb}` });
  try {
    // A constraint job (lib/prevention/jobs.ts) has its own verbs' rules.
    if (await store.prisma.preventionJob.findUnique({ where: { id }, select: { id: true } })) {
      if (rows !== undefined) throw usageError("--rows goes with a cleanup's approval: a constraint job is approved whole");
      return await preventionVerb(store, out, { id, verb, as, reason, config: () => config ?? opts.config() });
    }
    const act = { ...VERBS[verb], object: `job:${id}`, params: { jobId: id, ...(rows ? { rows } : {}) } };
    const actor = await cliActor(store, as, act);
    const done = await audited(store, actor, act, async () => {
      if (verb === "approve") return `approved for up to ${formatCount((await approveJob(store, id, actor.userId, rows)).approvedScope)} rows`;
      if (verb === "reject") {
        await rejectJob(store, id, actor.userId, reason!);
        return "rejected";
      }
      await { pause: pauseJob, resume: resumeJob, cancel: cancelJob }[verb](store, id);
      return { pause: "paused", resume: "resumed", cancel: "cancelled" }[verb];
    });
    out.progress(`job ${id}: ${done} by ${actor.label}`);
    if (config) return await runJobHere(store, config, out, id);
    const s = (await cleanupStatus(store, id))!;
    out.result(summary(s), () => `job ${id}: ${s.status.replace(/_/g, " ")}`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
