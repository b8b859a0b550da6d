import type { PgBoss } from "pg-boss";
import { z } from "zod";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { configHash } from "../store/scans";
import { claimRequestedSweep, claimScheduledSweep } from "../sweeps/claim";
import { runClaimedSweep, sweepNow } from "../sweeps/run";
import { runCleanupJob } from "../cleanup/engine";
import { requeueAbandoned } from "../cleanup/jobs";
import { registerPurgeWorkers } from "../softdelete/worker";
import { lineSink, type Logger } from "../log/logger";
import { QUEUES } from "./queue";
import { slotKey } from "./slots";

/** Each job kind: its data's shape and its handler. A job whose data does not parse fails at once, never half-runs. */
export const sweepJobSchema = z.discriminatedUnion("trigger", [
  z.object({ trigger: z.literal("schedule") }),
  z.object({ trigger: z.literal("manual"), sweepId: z.uuid() }),
]);
export type SweepJob = z.infer<typeof sweepJobSchema>;

export interface WorkerDeps {
  store: Store;
  config: () => Config;
  log: (line: string) => void;
  /** When set, each job logs through a child of it carrying the job's kind and id. */
  logger?: Logger;
  /** Aborted when the process stops: cleanups and purges give their job back after the current batch or subject. */
  signal?: AbortSignal;
  /**
   * Work under way that cannot stop between batches (a sweep), by name: how to mark it
   * interrupted if it is still running when the process has waited long enough.
   */
  interrupted?: Map<string, () => Promise<unknown>>;
}

/** The line sink of one job: its own child logger (job kind and id on every line), else the process's sink. */
export function jobLog(deps: Pick<WorkerDeps, "log" | "logger">, fields: { job: string; jobId?: string }): (line: string) => void {
  return deps.logger ? lineSink(deps.logger.child(fields)) : deps.log;
}

/**
 * Runs `work` registered as interruptible: if the process stops before it ends, `release`
 * marks it in the store so that nothing is left "running" with a heartbeat nobody sends.
 */
async function interruptible<T>(deps: WorkerDeps, what: string, release: () => Promise<unknown>, work: () => Promise<T>): Promise<T> {
  deps.interrupted?.set(what, release);
  try {
    return await work();
  } finally {
    deps.interrupted?.delete(what);
  }
}

/** A sweep given up by a stopping worker: failed with the reason, which lets the queue's retry (or any worker) claim it again. */
function releaseSweep(store: Store, sweepId: string) {
  return () =>
    store.prisma.sweep.updateMany({
      where: { id: sweepId, status: "running" },
      data: { status: "failed", finishedAt: new Date(), error: "interrupted: the worker stopped before the sweep finished; it runs again" },
    });
}

/**
 * Runs one sweep job. Scheduled: the slot is the cron tick the job was created for, and
 * only the worker that claims it sweeps. Requested: the queued sweep row is claimed.
 * Returns what happened, for the job's result.
 */
export async function handleSweepJob(deps: WorkerDeps, data: unknown, createdOn: Date): Promise<{ sweepId: string | null; skipped?: string }> {
  const job = sweepJobSchema.parse(data);
  const config = deps.config();
  const run = (sweepId: string) =>
    interruptible(deps, `sweep ${sweepId}`, releaseSweep(deps.store, sweepId), () =>
      runClaimedSweep(deps.store, config, sweepId, { log: jobLog(deps, { job: "sweep", jobId: sweepId }) }),
    );
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

export const cleanupJobSchema = z.object({ jobId: z.uuid() });

/** How often a worker looks for cleanups whose worker died (their heartbeat stopped), to resume them. */
const REAP_EVERY_MS = 15_000;

/** Registers the sweep and cleanup workers and the sweep schedule on a started queue; returns a stop function. */
export async function startWorkers(boss: PgBoss, deps: WorkerDeps): Promise<() => void> {
  await boss.work(QUEUES.sweep, { pollingIntervalSeconds: 1, batchSize: 1, includeMetadata: true }, async ([job]) =>
    handleSweepJob(deps, job.data, job.createdOn),
  );
  await boss.work(QUEUES.cleanup, { pollingIntervalSeconds: 1, batchSize: 1 }, async ([job]) => {
    const { jobId } = cleanupJobSchema.parse(job.data);
    const config = deps.config();
    const log = jobLog(deps, { job: "cleanup", jobId });
    const end = await runCleanupJob(deps.store, config, jobId, { log, signal: deps.signal });
    // Given back at its checkpoint by a stopping worker: queued again for the next one (here or elsewhere).
    if (end === "released") await enqueueCleanup(boss, jobId);
    if (end === "completed") {
      // The relation's count on every page comes from scans: scan it again now that it changed.
      const { relation } = await deps.store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId }, select: { relation: true } });
      await sweepNow(deps.store, config, "cleanup", { only: [relation], log }).catch((err) => log(`rescan after cleanup: ${(err as Error).message}`));
    }
    return { end };
  });
  await boss.schedule(QUEUES.sweep, deps.config().schedule.sweep, { trigger: "schedule" }, { tz: "UTC" });
  const reap = setInterval(() => {
    requeueAbandoned(deps.store)
      .then((ids) => Promise.all(ids.map((id) => enqueueCleanup(boss, id))))
      .catch((err) => deps.log(`resuming abandoned cleanups: ${(err as Error).message}`));
  }, REAP_EVERY_MS);
  reap.unref();
  const stopPurges = await registerPurgeWorkers(boss, deps);
  return () => {
    clearInterval(reap);
    stopPurges();
  };
}

export async function enqueueCleanup(boss: PgBoss, jobId: string): Promise<void> {
  await boss.send(QUEUES.cleanup, { jobId } satisfies z.infer<typeof cleanupJobSchema>, { retryLimit: 3, retryDelay: 10, retryBackoff: true });
}

export async function enqueueRequestedSweep(boss: PgBoss, sweepId: string): Promise<void> {
  await boss.send(QUEUES.sweep, { trigger: "manual", sweepId } satisfies SweepJob, { singletonKey: `manual:${sweepId}` });
}
