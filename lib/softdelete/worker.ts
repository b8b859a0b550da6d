import type { PgBoss } from "pg-boss";
import { z } from "zod";
import { jobLog } from "../jobs/context";
import { enqueue, type JobDefinition, type JobRun } from "../jobs/definition";
import { abandonedPurges, requestPurge, runPurgeJob } from "./purge-job";
import { configName, tableOfName } from "./tables";

/** A purge job's data: one requested job, or the schedule's tick (which purges every soft-delete table). */
export const purgeJobSchema = z.discriminatedUnion("trigger", [
  z.object({ trigger: z.literal("manual"), jobId: z.uuid() }),
  z.object({ trigger: z.literal("schedule") }),
]);
export type PurgeJobData = z.infer<typeof purgeJobSchema>;

/**
 * Runs one purge job; one given back by a stopping worker is queued again for the next one.
 * A purge that ran (whatever its end) refreshes the figures of its table and what hangs
 * below it, and the backlog: the soft-deletes page and the overview show them at once.
 */
async function runPurge(run: JobRun, jobId: string) {
  const config = run.config();
  const log = jobLog(run, { job: "purge", jobId });
  const end = await runPurgeJob(run.store, config, jobId, { log, signal: run.signal });
  if (end === "released") await enqueuePurge(run.boss, jobId);
  if (end !== "skipped") {
    const { table } = await run.store.prisma.purgeJob.findUniqueOrThrow({ where: { id: jobId }, select: { table: true } });
    await run.refresh(config, { tables: [tableOfName(table)] }, log);
  }
  return end;
}

/**
 * Purges: requested purge jobs, and on the purge schedule (config `schedule.purge`) one
 * per soft-delete table. Purges whose worker died are sent again by the reaper.
 */
export const purgeJob: JobDefinition<PurgeJobData> = {
  queue: "custodian.purge",
  schema: purgeJobSchema,
  queueOptions: { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600 },
  sendOptions: (data) => (data.trigger === "manual" ? { singletonKey: `purge:${data.jobId}`, retryLimit: 3, retryDelay: 30, retryBackoff: true } : {}),
  schedule: { cron: (config) => config.schedule.purge ?? null, data: { trigger: "schedule" } },
  async handle(data, run) {
    if (data.trigger === "manual") return { end: await runPurge(run, data.jobId) };
    const ends: Record<string, string> = {};
    for (const entry of run.config().softDelete) {
      const name = configName(entry);
      const { jobId } = await requestPurge(run.store, name, { requestedBy: "schedule", trigger: "schedule" });
      ends[name] = await runPurge(run, jobId);
    }
    return ends;
  },
  abandoned: async (store) => (await abandonedPurges(store)).map((jobId) => ({ trigger: "manual" as const, jobId })),
};

export const PURGE_QUEUE = purgeJob.queue;

export const enqueuePurge = (boss: PgBoss, jobId: string) => enqueue(boss, purgeJob, { trigger: "manual", jobId });
