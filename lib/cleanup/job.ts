import type { PgBoss } from "pg-boss";
import { z } from "zod";
import { jobLog } from "../jobs/context";
import { enqueue, type JobDefinition } from "../jobs/definition";
import { runCleanupJob } from "./engine";
import { requeueAbandoned } from "./jobs";

export const cleanupJobSchema = z.object({ jobId: z.uuid() });
export type CleanupJobData = z.infer<typeof cleanupJobSchema>;

/** Cleanups: one job row each (lib/cleanup/jobs.ts), run batch by batch from its checkpoint. */
export const cleanupJob: JobDefinition<CleanupJobData> = {
  queue: "custodian.cleanup",
  schema: cleanupJobSchema,
  queueOptions: { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600 },
  sendOptions: () => ({ retryLimit: 3, retryDelay: 10, retryBackoff: true }),
  async handle({ jobId }, run) {
    const config = run.config();
    const log = jobLog(run, { job: "cleanup", jobId });
    const end = await runCleanupJob(run.store, config, jobId, { log, signal: run.signal });
    // Given back at its checkpoint by a stopping worker: queued again for the next one (here or elsewhere).
    if (end === "released") await enqueueCleanup(run.boss, jobId);
    if (end === "completed") {
      // Every page's counts come from scans: the relation and those below its child table are scanned again now that they changed.
      const { relation } = await run.store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId }, select: { relation: true } });
      await run.refresh(config, { relations: [relation] }, log);
    }
    return { end };
  },
  abandoned: async (store) => (await requeueAbandoned(store)).map((jobId) => ({ jobId })),
};

export const enqueueCleanup = (boss: PgBoss, jobId: string) => enqueue(boss, cleanupJob, { jobId });
