import { recordAudit } from "../audit/record";
import type { Config } from "../config/types";
import { abandonedIds, staleBefore, startHeartbeat, workerName } from "../jobs/lifecycle";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import type { PreventionAction } from "./action";
import { applyPrevention } from "./apply";
import { preventionJobs, relationsOf } from "./jobs";

export type PreventionEnd = "applied" | "failed" | "blocked" | "skipped";

/**
 * Runs one queued constraint job to its end, here: the proposals made afresh (a relation
 * that got orphans since the request refuses the whole job as blocked, nothing changed),
 * each step in order with its lock timeout, the first failure stopping the rest, then each
 * constraint read back from the catalog. Progress is kept on the job as each step starts;
 * the outcome is audited. Returns "skipped" when the job is not queued (another worker
 * has it, or a person cancelled it).
 */
export async function runPreventionJob(store: Store, config: Config, jobId: string, opts: { log?: (line: string) => void } = {}): Promise<PreventionEnd> {
  const now = new Date();
  const claimed = await store.prisma.preventionJob.updateMany({
    where: { id: jobId, status: "queued" },
    data: { status: "running", startedAt: now, heartbeatAt: now, worker: workerName(), error: null },
  });
  if (claimed.count !== 1) return "skipped";
  const job = await store.prisma.preventionJob.findUniqueOrThrow({ where: { id: jobId } });
  const relations = relationsOf(job.relations);
  const stopHeartbeat = startHeartbeat(store, preventionJobs, jobId);
  const pool = new TargetPool(config.targets);
  let end: { status: Exclude<PreventionEnd, "skipped">; reason: string; steps?: unknown; verified?: unknown; done?: number; error?: string };
  try {
    const result = await applyPrevention(config, pool, relations, {
      actions: job.actions as Record<string, PreventionAction>,
      onStep: async (i, total, step) => {
        opts.log?.(`constraint job ${jobId}: step ${i + 1} of ${total}: ${step.title}`);
        await store.prisma.preventionJob.update({
          where: { id: jobId },
          data: { stepsDone: i, stepsTotal: total, currentStep: step.title, heartbeatAt: new Date() },
        });
      },
    });
    end = {
      status: result.status,
      reason: result.reason,
      steps: result.steps,
      verified: result.verified,
      done: result.steps.filter((s) => s.status === "done").length,
    };
  } catch (err) {
    // The proposals could not be made (a target unreachable): nothing ran.
    end = { status: "failed", reason: `nothing was applied: ${(err as Error).message}`, error: (err as Error).message };
  } finally {
    stopHeartbeat();
    await pool.close();
  }
  await store.prisma.preventionJob.update({
    where: { id: jobId },
    data: {
      status: end.status,
      reason: end.reason,
      error: end.error ?? null,
      steps: end.steps as object | undefined,
      verified: end.verified as object | undefined,
      ...(end.done !== undefined ? { stepsDone: end.done } : {}),
      currentStep: null,
      finishedAt: new Date(),
    },
  });
  await recordAudit(store, {
    actorId: "system",
    actorRoles: [],
    action: "prevention.finish",
    object: `prevention_job:${jobId}`,
    params: { relations, status: end.status, requestedBy: job.requestedBy, approvedBy: job.approvedBy ?? "not required" },
    result: end.status === "applied" ? "ok" : "failed",
    reason: end.reason,
    requestId: `prevention-job-${jobId}`,
  });
  opts.log?.(`constraint job ${jobId}: ${end.status}: ${end.reason}`);
  return end.status;
}

/**
 * Constraint jobs whose worker died mid-step. DDL is not run again blindly (a NOT VALID
 * constraint may be in place, an index half built): the job ends failed, saying which step
 * was under way; the Prevention page proposes afresh from what the catalog shows now.
 */
export async function failAbandonedPrevention(store: Store, now = new Date()): Promise<string[]> {
  const ids = await abandonedIds(store, preventionJobs, ["running"], now);
  for (const id of ids) {
    const job = await store.prisma.preventionJob.findUniqueOrThrow({ where: { id }, select: { stepsDone: true, stepsTotal: true, currentStep: true } });
    const reason =
      `the worker running it stopped answering during step ${job.stepsDone + 1} of ${job.stepsTotal ?? "?"} ("${job.currentStep ?? "starting"}"). ` +
      `Steps after it did not run. The constraint may be partly in place: the Prevention page proposes afresh from the catalog.`;
    const n = await store.prisma.preventionJob.updateMany({
      where: { id, status: "running", heartbeatAt: { lt: staleBefore(preventionJobs, now.getTime()) } },
      data: { status: "failed", reason, error: "worker lost", finishedAt: now },
    });
    if (n.count === 1) {
      await recordAudit(store, {
        actorId: "system",
        actorRoles: [],
        action: "prevention.finish",
        object: `prevention_job:${id}`,
        params: { status: "failed" },
        result: "failed",
        reason,
        requestId: `prevention-job-${id}`,
      });
    }
  }
  return ids;
}
