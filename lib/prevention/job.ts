import type { PgBoss } from "pg-boss";
import { z } from "zod";
import { jobLog } from "../jobs/context";
import { enqueue, type JobDefinition } from "../jobs/definition";
import { relationsOf } from "./jobs";
import { failAbandonedPrevention, runPreventionJob } from "./run";

export const preventionJobSchema = z.object({ jobId: z.uuid() });
export type PreventionJobData = z.infer<typeof preventionJobSchema>;

/**
 * Constraint jobs: one job row each (lib/prevention/jobs.ts), run once. Never retried by
 * the queue: DDL that failed or was cut off is reported, and proposed again afresh.
 */
export const preventionJob: JobDefinition<PreventionJobData> = {
  queue: "custodian.prevention",
  schema: preventionJobSchema,
  queueOptions: { retryLimit: 0, expireInSeconds: 6 * 3600 },
  sendOptions: () => ({ retryLimit: 0 }),
  async handle({ jobId }, run) {
    const config = run.config();
    const log = jobLog(run, { job: "prevention", jobId });
    const end = await runPreventionJob(run.store, config, jobId, { log });
    if (end === "applied") {
      // The relations now show their constraint: their figures are read again.
      const { relations } = await run.store.prisma.preventionJob.findUniqueOrThrow({ where: { id: jobId }, select: { relations: true } });
      await run.refresh(config, { relations: relationsOf(relations) }, log);
    }
    return { end };
  },
  // Nothing is sent again: a job whose worker died is ended as failed, with the step it was on.
  abandoned: async (store) => {
    await failAbandonedPrevention(store);
    return [];
  },
};

export const enqueuePrevention = (boss: PgBoss, jobId: string) => enqueue(boss, preventionJob, { jobId });
