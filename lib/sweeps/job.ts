import type { PgBoss } from "pg-boss";
import { z } from "zod";
import { interruptible, jobLog, type WorkerDeps } from "../jobs/context";
import { enqueue, type JobDefinition } from "../jobs/definition";
import { slotKey } from "../jobs/slots";
import type { Store } from "../store/client";
import { configHash } from "../store/scans";
import { ABANDONED_AFTER_MS, claimRequestedSweep, claimScheduledSweep } from "./claim";
import { planParts } from "./parts";
import { sendParts } from "./part-jobs";
import { markSweepFailed } from "./run";

export const sweepJobSchema = z.discriminatedUnion("trigger", [
  z.object({ trigger: z.literal("schedule") }),
  z.object({ trigger: z.literal("manual"), sweepId: z.uuid() }),
]);
export type SweepJob = z.infer<typeof sweepJobSchema>;

/** A sweep given up by a stopping worker: failed with the reason, which lets the queue's retry (or any worker) claim it again. */
function releaseSweep(store: Store, sweepId: string) {
  return () =>
    store.prisma.sweep.updateMany({
      where: { id: sweepId, status: "running" },
      data: { status: "failed", finishedAt: new Date(), error: "interrupted: the worker stopped before the sweep finished; it runs again" },
    });
}

/**
 * Runs one sweep job: claims the sweep, plans its parts (one per relation) and sends them
 * to the queue, where any worker counts them (lib/sweeps/part-jobs.ts); the worker that
 * lands the last part completes the sweep. Scheduled: the slot is the cron tick the job
 * was created for, and only the worker that claims it plans. Requested: the queued sweep
 * row is claimed. A sweep taken over (its planner died, or it failed while completing)
 * keeps the parts already planned: only those not landed are sent again.
 */
export async function handleSweepJob(
  deps: WorkerDeps & { boss: PgBoss },
  data: unknown,
  createdOn: Date,
): Promise<{ sweepId: string | null; skipped?: string }> {
  const job = sweepJobSchema.parse(data);
  const config = deps.config();
  const run = (sweepId: string) =>
    interruptible(deps, `sweep ${sweepId}`, releaseSweep(deps.store, sweepId), async () => {
      try {
        const { pending, total } = await planParts(deps.store, config, sweepId);
        jobLog(deps, { job: "sweep", jobId: sweepId })(`sweep ${sweepId}: ${pending.length} of ${total} parts sent to the workers`);
        await sendParts(deps.boss, sweepId, pending);
      } catch (err) {
        await markSweepFailed(deps.store, sweepId, err);
        throw err;
      }
    });
  if (job.trigger === "schedule") {
    const slot = slotKey(config.schedule.sweep, createdOn);
    const sweepId = await claimScheduledSweep(deps.store, slot, configHash(config.file));
    if (!sweepId) return { sweepId: null, skipped: `${slot} was already swept` };
    await run(sweepId);
    return { sweepId };
  }
  if (!(await claimRequestedSweep(deps.store, job.sweepId))) return { sweepId: job.sweepId, skipped: "already done or running" };
  await run(job.sweepId);
  return { sweepId: job.sweepId };
}

/** Sweeps: on the config's schedule (`schedule.sweep`) and on demand ("Scan now"). */
export const sweepJob: JobDefinition<SweepJob> = {
  queue: "custodian.sweep",
  schema: sweepJobSchema,
  queueOptions: { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600, heartbeatSeconds: ABANDONED_AFTER_MS / 1000, notify: true },
  sendOptions: (data) => (data.trigger === "manual" ? { singletonKey: `manual:${data.sweepId}` } : {}),
  schedule: { cron: (config) => config.schedule.sweep, data: { trigger: "schedule" } },
  handle: (data, run) => handleSweepJob(run, data, run.createdOn),
};

export const enqueueRequestedSweep = (boss: PgBoss, sweepId: string) => enqueue(boss, sweepJob, { trigger: "manual", sweepId });
