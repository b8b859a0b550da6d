"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "../auth/action";
import { notFound } from "../errors/user-error";
import { startErasureJobs } from "../server/erasure-jobs";
import { serverConfig } from "../server/config";
import { getJobs } from "../server/jobs";
import { markNotPersonal } from "./coverage";
import { addRequestSchema, coverageDecisionSchema, uploadKeysSchema, verifyRequestSchema, withdrawRequestSchema } from "./erasure.validation";
import { enqueueRun } from "./jobs";
import { fileKeyList, fileManualRequest, manualRequestKey } from "./file-requests";
import { getRequest } from "./requests";
import { verifyRequest } from "./run";
import { requestRun } from "./runs";
import { verdictText } from "./trace";
import { withdrawRequest } from "./withdraw";

/** Files a request for one subject key, audited by subject and key (a key is an id, not personal data). */
export const addErasureRequest = action
  .metadata({ action: "erasure.request_add", permission: "erasure.verify", audit: ["subject", "key"] })
  .inputSchema(addRequestSchema)
  .action(async ({ parsedInput, ctx }) => {
    const config = serverConfig();
    const { key, object } = manualRequestKey(config, parsedInput.subject, parsedInput.key);
    // as the CLI names it (verify-erasure --subject shop.users:3047); as typed: a refused key is recorded too
    ctx.auditObject(object);
    const filed = await fileManualRequest(
      ctx.store,
      config,
      { subject: parsedInput.subject, key, receivedOn: parsedInput.receivedOn || undefined },
      ctx.actor.userId,
    );
    revalidatePath("/erasure");
    return filed;
  });

export const uploadErasureKeys = action
  .metadata({ action: "erasure.request_upload", permission: "erasure.verify", audit: ["subject"] })
  .inputSchema(uploadKeysSchema)
  .action(async ({ parsedInput, ctx }) => {
    const filed = await fileKeyList(ctx.store, serverConfig(), parsedInput, ctx.actor.userId);
    revalidatePath("/erasure");
    return filed;
  });

/** Verifies one request now (one subject's walk: seconds) and files the evidence. */
export const verifyErasureRequest = action
  .metadata({ action: "erasure.verify", permission: "erasure.verify", audit: ["requestId"], object: ["erasure_request", "requestId"] })
  .inputSchema(verifyRequestSchema)
  .action(async ({ parsedInput, ctx }) => {
    const request = await getRequest(ctx.store, parsedInput.requestId);
    if (!request) throw notFound("No such erasure request.");
    // a subject removed from the config since the request was filed is said so, not masked
    const { verification, evidence } = await verifyRequest(ctx.store, serverConfig(), request, ctx.actor.userId);
    revalidatePath(`/erasure/${request.id}`);
    revalidatePath("/erasure");
    return {
      verdict: verification.verdict,
      residualRows: verification.residualRows,
      unreviewedColumns: verification.unreviewed?.length ?? null,
      summary: verdictText(verification, { unreviewedColumns: verification.unreviewed?.length, trace: verification.trace }),
      evidenceId: evidence.id.toString(),
    };
  });

/**
 * Withdraws a mistaken request: an append-only record of who, when and why (the reason is
 * stored with it, not in the audit trail). The request and its evidence stay, marked.
 */
export const withdrawErasureRequest = action
  .metadata({ action: "erasure.request_withdraw", permission: "erasure.verify", audit: ["requestId"], object: ["erasure_request", "requestId"] })
  .inputSchema(withdrawRequestSchema)
  .action(async ({ parsedInput, ctx }) => {
    const w = await withdrawRequest(ctx.store, parsedInput.requestId, parsedInput.reason, ctx.actor.userId);
    revalidatePath(`/erasure/${parsedInput.requestId}`);
    revalidatePath("/erasure");
    return { withdrawnAt: w.withdrawnAt.toISOString() };
  });

/** Queues a verification of every request (or returns the run already queued or running). */
export const verifyAllRequests = action
  .metadata({ action: "erasure.verify_all", permission: "erasure.verify" })
  .inputSchema(z.object({}))
  .action(async ({ ctx }) => {
    const { id, created } = await requestRun(ctx.store, ctx.actor.userId);
    if (created) {
      await startErasureJobs();
      await enqueueRun((await getJobs()).boss, id);
    }
    return { runId: id, alreadyQueued: !created };
  });

/** The DPO's review of a coverage entry: not personal data, with the reason (stored; the column is audited). */
export const markCoverageNotPersonal = action
  .metadata({ action: "erasure.coverage_review", permission: "erasure.verify", audit: ["target", "schema", "table", "column"] })
  .inputSchema(coverageDecisionSchema)
  .action(async ({ parsedInput, ctx }) => {
    const { reason, ...entry } = parsedInput;
    await markNotPersonal(ctx.store, entry, reason, ctx.actor.userId);
    revalidatePath("/erasure");
  });
