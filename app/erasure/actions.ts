"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/auth/action";
import { ExpectedError } from "@/lib/auth/errors";
import { markNotPersonal } from "@/lib/erasure/coverage";
import { KeyListError, parseKeyCsvLines } from "@/lib/erasure/csv-keys";
import { KeyCheckError, KeyValueError } from "@/lib/erasure/keys";
import { enqueueRun } from "@/lib/erasure/jobs";
import { addRequests, getRequest } from "@/lib/erasure/requests";
import { verifyRequest } from "@/lib/erasure/run";
import { requestRun } from "@/lib/erasure/runs";
import { parseKey, subjectByName, SubjectError, subjectLabel } from "@/lib/erasure/subjects";
import { verdictText } from "@/lib/erasure/trace";
import { RequestWithdrawnError, withdrawRequest, WithdrawalError } from "@/lib/erasure/withdraw";
import { startErasureJobs } from "@/lib/server/erasure-jobs";
import { serverConfig } from "@/lib/server/config";
import { getJobs } from "@/lib/server/jobs";
import { addRequestSchema, coverageDecisionSchema, uploadKeysSchema, verifyRequestSchema, withdrawRequestSchema } from "./erasure.validation";

/** Turns a person's mistake (unknown subject, malformed key or file) into a message shown as is. */
function expected<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asExpected(err);
  }
}

function asExpected(err: unknown): unknown {
  const mistake =
    err instanceof SubjectError ||
    err instanceof KeyListError ||
    err instanceof KeyValueError ||
    err instanceof KeyCheckError ||
    err instanceof WithdrawalError ||
    err instanceof RequestWithdrawnError;
  return mistake ? new ExpectedError((err as Error).message) : err;
}

/** Files a request for one subject key, audited by subject and key (a key is an id, not personal data). */
export const addErasureRequest = action
  .metadata({ action: "erasure.request_add", permission: "erasure.verify", audit: ["subject", "key"] })
  .inputSchema(addRequestSchema)
  .action(async ({ parsedInput, ctx }) => {
    const config = serverConfig();
    const subject = expected(() => subjectByName(config, parsedInput.subject));
    const key = expected(() => parseKey(subject, parsedInput.key));
    // as the CLI names it (verify-erasure --subject shop.users:3047); as typed: a refused key is recorded too
    ctx.auditObject(`subject:${subjectLabel({ target: subject.target, table: subject.table, key })}`);
    const { ids, created } = await addRequests(ctx.store, config, { subject: parsedInput.subject, keys: [key], source: "manual", requestedBy: ctx.actor.userId }).catch((err) => {
      throw asExpected(err);
    });
    revalidatePath("/erasure");
    return { id: ids[0], created: created > 0 };
  });

export const uploadErasureKeys = action
  .metadata({ action: "erasure.request_upload", permission: "erasure.verify", audit: ["subject"] })
  .inputSchema(uploadKeysSchema)
  .action(async ({ parsedInput, ctx }) => {
    const config = serverConfig();
    const { keys, lines } = expected(() => parseKeyCsvLines(parsedInput.csv, subjectByName(config, parsedInput.subject).key));
    const { created, existing } = await addRequests(ctx.store, config, { subject: parsedInput.subject, keys, lines, source: "csv", requestedBy: ctx.actor.userId }).catch(
      (err) => {
        throw asExpected(err);
      },
    );
    revalidatePath("/erasure");
    return { created, existing };
  });

/** Verifies one request now (one subject's walk: seconds) and files the evidence. */
export const verifyErasureRequest = action
  .metadata({ action: "erasure.verify", permission: "erasure.verify", audit: ["requestId"], object: ["erasure_request", "requestId"] })
  .inputSchema(verifyRequestSchema)
  .action(async ({ parsedInput, ctx }) => {
    const request = await getRequest(ctx.store, parsedInput.requestId);
    if (!request) throw new ExpectedError("No such erasure request.");
    // a subject removed from the config since the request was filed is said so, not masked
    const { verification, evidence } = await verifyRequest(ctx.store, serverConfig(), request, ctx.actor.userId).catch((err) => {
      throw asExpected(err);
    });
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
    const w = await withdrawRequest(ctx.store, parsedInput.requestId, parsedInput.reason, ctx.actor.userId).catch((err) => {
      throw asExpected(err);
    });
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
