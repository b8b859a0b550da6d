"use server";
import { revalidatePath } from "next/cache";
import { action } from "../auth/action";
import { serverConfig } from "../server/config";
import { getJobs } from "../server/jobs";
import { TargetPool } from "../targets/pool";
import { enqueuePrevention } from "./job";
import { approvePrevention, cancelPrevention, rejectPrevention, requestPreventionApply } from "./jobs";
import { preventionJobIdSchema, rejectPreventionSchema, requestApplySchema } from "./prevention.validation";

/** Ops asks for constraints (typed confirmation); queued at once only when the config needs no second person. */
export const requestPreventionAction = action
  .metadata({ action: "prevention.request", permission: "prevention.apply", audit: ["relations", "actions"] })
  .inputSchema(requestApplySchema)
  .action(async ({ parsedInput, ctx }) => {
    const config = serverConfig();
    const pool = new TargetPool(config.targets);
    try {
      const { jobId, status } = await requestPreventionApply(ctx.store, config, pool, { ...parsedInput, requestedBy: ctx.actor.userId });
      ctx.auditObject(`prevention_job:${jobId}`);
      if (status === "queued") await enqueuePrevention((await getJobs()).boss, jobId);
      revalidatePath("/prevention");
      return { jobId, status };
    } finally {
      await pool.close();
    }
  });

export const approvePreventionAction = action
  .metadata({ action: "prevention.approve", permission: "jobs.approve", audit: ["jobId"], object: ["prevention_job", "jobId"] })
  .inputSchema(preventionJobIdSchema)
  .action(async ({ parsedInput, ctx }) => {
    await approvePrevention(ctx.store, parsedInput.jobId, ctx.actor.userId);
    await enqueuePrevention((await getJobs()).boss, parsedInput.jobId);
    revalidatePath(`/prevention/jobs/${parsedInput.jobId}`);
  });

export const rejectPreventionAction = action
  .metadata({ action: "prevention.reject", permission: "jobs.approve", audit: ["jobId"], object: ["prevention_job", "jobId"] })
  .inputSchema(rejectPreventionSchema)
  .action(async ({ parsedInput, ctx }) => {
    await rejectPrevention(ctx.store, parsedInput.jobId, ctx.actor.userId, parsedInput.reason);
    revalidatePath(`/prevention/jobs/${parsedInput.jobId}`);
  });

export const cancelPreventionAction = action
  .metadata({ action: "prevention.cancel", permission: "prevention.apply", audit: ["jobId"], object: ["prevention_job", "jobId"] })
  .inputSchema(preventionJobIdSchema)
  .action(async ({ parsedInput, ctx }) => {
    await cancelPrevention(ctx.store, parsedInput.jobId);
    revalidatePath(`/prevention/jobs/${parsedInput.jobId}`);
  });
