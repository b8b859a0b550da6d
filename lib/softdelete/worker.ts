import type { PgBoss } from "pg-boss";
import { z } from "zod";
import { jobLog, type WorkerDeps } from "../jobs/workers";
import { abandonedPurges, requestPurge, runPurgeJob } from "./purge-job";
import { configName } from "./tables";

import { QUEUES } from "../jobs/queue";
import { logFailure } from "../errors/logged";

export const PURGE_QUEUE = QUEUES.purge;

/** A purge job's data: one requested job, or the schedule's tick (which purges every soft-delete table). */
export const purgeJobSchema = z.discriminatedUnion("trigger", [z.object({ trigger: z.literal("manual"), jobId: z.uuid() }), z.object({ trigger: z.literal("schedule") })]);

const REAP_EVERY_MS = 15_000;

/**
 * The purge worker beside the cleanup one: runs requested purge jobs, and on the purge
 * schedule (config `schedule.purge`) requests one per soft-delete table. Purges whose
 * worker died are enqueued again. Returns a stop function.
 */
export async function registerPurgeWorkers(boss: PgBoss, deps: WorkerDeps): Promise<() => void> {
  await boss.work(PURGE_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async ([job]) => {
    const data = purgeJobSchema.parse(job.data);
    const config = deps.config();
    // A job given back by a stopping worker is queued again for the next one.
    const run = async (jobId: string) => {
      const end = await runPurgeJob(deps.store, config, jobId, { log: jobLog(deps, { job: "purge", jobId }), signal: deps.signal });
      if (end === "released") await enqueuePurge(boss, jobId);
      return end;
    };
    if (data.trigger === "manual") return { end: await run(data.jobId) };
    const ends: Record<string, string> = {};
    for (const entry of config.softDelete) {
      const name = configName(entry);
      const { jobId } = await requestPurge(deps.store, name, { requestedBy: "schedule", trigger: "schedule" });
      ends[name] = await run(jobId);
    }
    return ends;
  });
  const cron = deps.config().schedule.purge;
  if (cron) await boss.schedule(PURGE_QUEUE, cron, { trigger: "schedule" }, { tz: "UTC" });
  else await boss.unschedule(PURGE_QUEUE).catch(logFailure("purges", "removing the purge schedule"));
  const reap = setInterval(() => {
    abandonedPurges(deps.store)
      .then((ids) => Promise.all(ids.map((id) => enqueuePurge(boss, id))))
      .catch((err) => deps.log(`resuming abandoned purges: ${(err as Error).message}`));
  }, REAP_EVERY_MS);
  reap.unref();
  return () => clearInterval(reap);
}

export async function enqueuePurge(boss: PgBoss, jobId: string): Promise<void> {
  await boss.send(PURGE_QUEUE, { trigger: "manual", jobId } satisfies z.infer<typeof purgeJobSchema>, { singletonKey: `purge:${jobId}`, retryLimit: 3, retryDelay: 30, retryBackoff: true });
}
