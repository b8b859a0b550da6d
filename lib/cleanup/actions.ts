"use server";
import { revalidatePath } from "next/cache";
import { action } from "../auth/action";
import { notFound, refused, usageError } from "../errors/user-error";
import { enqueueCleanup } from "./job";
import { serverConfig } from "../server/config";
import { getJobs } from "../server/jobs";
import { refreshAfter } from "../sweeps/refresh";
import { approveJob, rejectJob } from "./approval";
import { approveSchema, jobIdSchema, previewSchema, rejectSchema, startCleanupSchema } from "./cleanup.validation";
import { cancelJob, pauseJob, resumeJob } from "./jobs";
import { restoreArchive } from "./restore";
import { previewByName, startCleanup } from "./start";

/** The dry run behind the confirm step: nothing changes. */
export const previewCleanupAction = action
  .metadata({ action: "cleanups.preview", permission: "cleanups.run", audit: ["relation"], object: ["relation", "relation"] })
  .inputSchema(previewSchema)
  .action(async ({ parsedInput, ctx }) => previewByName(ctx.store, serverConfig(), parsedInput.relation));

export const startCleanupAction = action
  .metadata({ action: "cleanups.start", permission: "cleanups.run", audit: ["relation", "batchSize"], object: ["relation", "relation"] })
  .inputSchema(startCleanupSchema)
  .action(async ({ parsedInput, ctx }) => {
    if (parsedInput.confirm !== parsedInput.relation) throw usageError("type the relation's name exactly to confirm");
    const { outcome } = await startCleanup(ctx.store, serverConfig(), parsedInput.relation, {
      requestedBy: ctx.actor.userId,
      batchSize: parsedInput.batchSize,
    });
    if (outcome.kind === "refused") throw refused(`${outcome.reason}: see /jobs/${outcome.jobId}`);
    if (outcome.kind === "resumed" || outcome.status === "queued") await enqueueCleanup((await getJobs()).boss, outcome.jobId);
    revalidatePath("/jobs");
    return { jobId: outcome.jobId, status: outcome.kind === "resumed" ? "resumed" : outcome.status };
  });

export const approveCleanup = action
  .metadata({ action: "cleanups.approve", permission: "jobs.approve", audit: ["jobId", "rows"], object: ["job", "jobId"] })
  .inputSchema(approveSchema)
  .action(async ({ parsedInput, ctx }) => {
    const { approvedScope } = await approveJob(ctx.store, parsedInput.jobId, ctx.actor.userId, parsedInput.rows);
    await enqueueCleanup((await getJobs()).boss, parsedInput.jobId);
    revalidatePath(`/jobs/${parsedInput.jobId}`);
    return { approvedScope };
  });

export const rejectCleanup = action
  .metadata({ action: "cleanups.reject", permission: "jobs.approve", audit: ["jobId"], object: ["job", "jobId"] })
  .inputSchema(rejectSchema)
  .action(async ({ parsedInput, ctx }) => {
    await rejectJob(ctx.store, parsedInput.jobId, ctx.actor.userId, parsedInput.reason);
    revalidatePath(`/jobs/${parsedInput.jobId}`);
  });

export const pauseCleanup = action
  .metadata({ action: "cleanups.pause", permission: "cleanups.run", audit: ["jobId"], object: ["job", "jobId"] })
  .inputSchema(jobIdSchema)
  .action(async ({ parsedInput, ctx }) => {
    await pauseJob(ctx.store, parsedInput.jobId);
    revalidatePath(`/jobs/${parsedInput.jobId}`);
  });

export const resumeCleanup = action
  .metadata({ action: "cleanups.resume", permission: "cleanups.run", audit: ["jobId"], object: ["job", "jobId"] })
  .inputSchema(jobIdSchema)
  .action(async ({ parsedInput, ctx }) => {
    await resumeJob(ctx.store, parsedInput.jobId);
    await enqueueCleanup((await getJobs()).boss, parsedInput.jobId);
    revalidatePath(`/jobs/${parsedInput.jobId}`);
  });

export const cancelCleanup = action
  .metadata({ action: "cleanups.cancel", permission: "cleanups.run", audit: ["jobId"], object: ["job", "jobId"] })
  .inputSchema(jobIdSchema)
  .action(async ({ parsedInput, ctx }) => {
    await cancelJob(ctx.store, parsedInput.jobId);
    revalidatePath(`/jobs/${parsedInput.jobId}`);
  });

export const restoreCleanupArchive = action
  .metadata({ action: "cleanups.restore_archive", permission: "cleanups.run", audit: ["jobId"], object: ["job", "jobId"] })
  .inputSchema(jobIdSchema)
  .action(async ({ parsedInput, ctx }) => {
    const job = await ctx.store.prisma.cleanupJob.findUnique({ where: { id: parsedInput.jobId }, select: { status: true, relation: true } });
    if (!job) throw notFound("no such cleanup job");
    if (["queued", "running"].includes(job.status)) throw refused("pause or cancel the job before restoring its archive");
    const config = serverConfig();
    const result = await restoreArchive(ctx.store, config, parsedInput.jobId, { restoredBy: ctx.actor.userId });
    // the rows are orphans again: the relation's count (and those of the tables put back) say so at once
    await refreshAfter(ctx.store, config, { relations: [job.relation], tables: result.tables });
    revalidatePath(`/jobs/${parsedInput.jobId}`);
    revalidatePath("/");
    return result;
  });
