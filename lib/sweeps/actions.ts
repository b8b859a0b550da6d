"use server";
import { z } from "zod";
import { action } from "../auth/action";
import { enqueueRequestedSweep } from "./job";
import { serverConfig } from "../server/config";
import { getJobs } from "../server/jobs";
import { configHash } from "../store/scans";
import { requestSweep } from "./claim";

/**
 * "Scan now": queues a sweep of every relation (or returns the one already queued or
 * running); the page follows its progress and refreshes when it ends.
 */
export const scanNow = action
  .metadata({ action: "scans.run", permission: "scans.run" })
  .inputSchema(z.object({}))
  .action(async ({ ctx }) => {
    const { id, created } = await requestSweep(ctx.store, { requestedBy: ctx.actor.userId, configHash: configHash(serverConfig().file) });
    if (created) await enqueueRequestedSweep((await getJobs()).boss, id);
    return { sweepId: id, alreadyQueued: !created };
  });
