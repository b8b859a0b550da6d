import type { PgBoss } from "pg-boss";
import { z } from "zod";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { configHash } from "../store/scans";
import { claimRequestedSweep, claimScheduledSweep } from "../sweeps/claim";
import { runClaimedSweep } from "../sweeps/run";
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
}

/**
 * Runs one sweep job. Scheduled: the slot is the cron tick the job was created for, and
 * only the worker that claims it sweeps. Requested: the queued sweep row is claimed.
 * Returns what happened, for the job's result.
 */
export async function handleSweepJob(deps: WorkerDeps, data: unknown, createdOn: Date): Promise<{ sweepId: string | null; skipped?: string }> {
  const job = sweepJobSchema.parse(data);
  const config = deps.config();
  if (job.trigger === "schedule") {
    const slot = slotKey(config.schedule.sweep, createdOn);
    const sweepId = await claimScheduledSweep(deps.store, slot, configHash(config.file));
    if (!sweepId) return { sweepId: null, skipped: `${slot} was already swept` };
    await runClaimedSweep(deps.store, config, sweepId, { log: deps.log });
    return { sweepId };
  }
  if (!(await claimRequestedSweep(deps.store, job.sweepId))) return { sweepId: job.sweepId, skipped: "already done or running" };
  await runClaimedSweep(deps.store, config, job.sweepId, { log: deps.log });
  return { sweepId: job.sweepId };
}

/** Registers the sweep worker and the schedule on a started queue. */
export async function startWorkers(boss: PgBoss, deps: WorkerDeps): Promise<void> {
  await boss.work(QUEUES.sweep, { pollingIntervalSeconds: 1, batchSize: 1, includeMetadata: true }, async ([job]) =>
    handleSweepJob(deps, job.data, job.createdOn),
  );
  await boss.schedule(QUEUES.sweep, deps.config().schedule.sweep, { trigger: "schedule" }, { tz: "UTC" });
}

export async function enqueueRequestedSweep(boss: PgBoss, sweepId: string): Promise<void> {
  await boss.send(QUEUES.sweep, { trigger: "manual", sweepId } satisfies SweepJob, { singletonKey: `manual:${sweepId}` });
}
