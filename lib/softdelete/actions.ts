"use server";
import { revalidatePath } from "next/cache";
import { action } from "../auth/action";
import { usageError } from "../errors/user-error";
import { serverConfig } from "../server/config";
import { getJobs } from "../server/jobs";
import { cancelPurge, pausePurge, resumePurge } from "./purge-control";
import { requestPurge } from "./purge-job";
import { assertPurgePrivileges } from "./purge-privileges";
import { purgeJobIdSchema, startPurgeSchema } from "./softdelete.validation";
import { configName, findSoftDeleteConfig } from "./tables";
import { enqueuePurge } from "./worker";

/** Hard-deletes (or redacts) every row of the table past its grace, one deletion request per subject, as a job. */
export const startPurgeAction = action
  .metadata({ action: "purges.start", permission: "purges.run", audit: ["table"], object: ["table", "table"] })
  .inputSchema(startPurgeSchema)
  .action(async ({ parsedInput, ctx }) => {
    if (parsedInput.confirm !== parsedInput.table) throw usageError("type the table's name exactly to confirm");
    const name = configName(findSoftDeleteConfig(serverConfig(), parsedInput.table));
    await assertPurgePrivileges(serverConfig(), name);
    const { jobId, created } = await requestPurge(ctx.store, name, { requestedBy: ctx.actor.userId, trigger: "manual" });
    await enqueuePurge((await getJobs()).boss, jobId);
    revalidatePath("/soft-deletes");
    return { jobId, created };
  });

/** Stops a purge before its next subject; the subject under way finishes (its request is two-phase). */
export const pausePurgeAction = action
  .metadata({ action: "purges.pause", permission: "purges.run", audit: ["jobId"], object: ["purge_job", "jobId"] })
  .inputSchema(purgeJobIdSchema)
  .action(async ({ parsedInput, ctx }) => {
    await pausePurge(ctx.store, parsedInput.jobId);
    revalidatePath("/soft-deletes");
  });

export const resumePurgeAction = action
  .metadata({ action: "purges.resume", permission: "purges.run", audit: ["jobId"], object: ["purge_job", "jobId"] })
  .inputSchema(purgeJobIdSchema)
  .action(async ({ parsedInput, ctx }) => {
    await resumePurge(ctx.store, parsedInput.jobId);
    await enqueuePurge((await getJobs()).boss, parsedInput.jobId);
    revalidatePath("/soft-deletes");
  });

/** No further subject is started; what was purged stays purged. */
export const cancelPurgeAction = action
  .metadata({ action: "purges.cancel", permission: "purges.run", audit: ["jobId"], object: ["purge_job", "jobId"] })
  .inputSchema(purgeJobIdSchema)
  .action(async ({ parsedInput, ctx }) => {
    await cancelPurge(ctx.store, parsedInput.jobId);
    revalidatePath("/soft-deletes");
  });
