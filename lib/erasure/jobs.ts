import type { PgBoss } from "pg-boss";
import { z } from "zod";
import type { WorkerDeps } from "../jobs/context";
import { enqueue, type JobDefinition } from "../jobs/definition";
import { slotKey } from "../jobs/slots";
import { verifyAndPublishHead } from "./publish-head";
import { runVerifications } from "./run";
import { ABANDONED_AFTER_MS, claimRun, claimScheduledRun } from "./runs";

export const ERASURE_QUEUE = "custodian.erasure-verify";

/** Nightly, after the hourly sweeps of the small hours; override with CUSTODIAN_ERASURE_SCHEDULE (cron, UTC). */
export function erasureSchedule(env: Record<string, string | undefined> = process.env): string {
  return env.CUSTODIAN_ERASURE_SCHEDULE || "30 3 * * *"; // empty counts as unset (lib/env.ts)
}

export const erasureJobSchema = z.discriminatedUnion("trigger", [
  z.object({ trigger: z.literal("schedule") }),
  z.object({ trigger: z.literal("manual"), runId: z.uuid() }),
]);
export type ErasureJob = z.infer<typeof erasureJobSchema>;

type ErasureWorkerDeps = Pick<WorkerDeps, "store" | "config" | "log">;

/** One job: claims its run (or the night's slot) so that a retry or a second worker never runs it twice. */
export async function handleErasureJob(deps: ErasureWorkerDeps, data: unknown, createdOn: Date): Promise<{ runId: string | null; skipped?: string }> {
  const job = erasureJobSchema.parse(data);
  if (job.trigger === "schedule") {
    const slot = slotKey(erasureSchedule(), createdOn);
    const runId = await claimScheduledRun(deps.store, slot);
    if (!runId) return { runId: null, skipped: `${slot} was already verified` };
    await runVerifications(deps.store, deps.config(), runId, "system", deps.log);
    await verifyAndPublishHead(deps.store, deps.config(), deps.log);
    return { runId };
  }
  if (!(await claimRun(deps.store, job.runId))) return { runId: job.runId, skipped: "already done or running" };
  // the evidence names the person who asked for the run, like a verification they ran themselves
  const run = await deps.store.prisma.erasureRun.findUnique({ where: { id: job.runId }, select: { requestedBy: true } });
  await runVerifications(deps.store, deps.config(), job.runId, run?.requestedBy ?? "system", deps.log);
  await verifyAndPublishHead(deps.store, deps.config(), deps.log);
  return { runId: job.runId };
}

/** Bulk erasure verification: on demand ("Verify all") and nightly. */
export const erasureJob: JobDefinition<ErasureJob> = {
  queue: ERASURE_QUEUE,
  schema: erasureJobSchema,
  queueOptions: { retryLimit: 2, retryDelay: 60, expireInSeconds: 6 * 3600, heartbeatSeconds: ABANDONED_AFTER_MS / 1000 },
  sendOptions: (data) => (data.trigger === "manual" ? { singletonKey: `manual:${data.runId}` } : {}),
  schedule: { cron: () => erasureSchedule(), data: { trigger: "schedule" } },
  handle: (data, run) => handleErasureJob(run, data, run.createdOn),
};

export const enqueueRun = (boss: PgBoss, runId: string) => enqueue(boss, erasureJob, { trigger: "manual", runId });
