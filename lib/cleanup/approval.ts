import { ExpectedError } from "../auth/errors";
import type { Store } from "../store/client";
import type { CleanupPreview } from "./preview";
import { jsonRow } from "./rows";

/**
 * Four eyes. A job that would remove more rows than the threshold (the orphans and the
 * rows below them) waits for a second person with ops or admin; the count approved is
 * recorded with the approval and the engine never removes more than it (nor more than the
 * threshold without an approval): a job that would go beyond stops and waits for approval
 * again. Allowlist changes, a pause and a resume cannot widen a job.
 */

/** What the requester saw when asking, kept on the job so the approver sees exactly that. */
export interface RequestSnapshot {
  at: string;
  orphans: number;
  eligible: number;
  inGrace: number;
  allowlisted: number;
  graceDays: number;
  dependents: { table: string; policy: string; rows: number }[];
  dependentSampleOf: number;
  sample: Record<string, unknown>[];
  scope: number;
  approvalThreshold: number;
  cycles: string[];
}

/**
 * Rows a cleanup will remove (or unlink): the eligible rows and every row below them
 * (cascaded or set to NULL). The rows below are counted for a sample of the eligible rows
 * (preview.ts): scaled to all of them, rounded up. Rows kept by a protecting dependent are not counted.
 */
export function removalScope(p: Pick<CleanupPreview, "eligible" | "dependents" | "dependentSampleOf">): number {
  const below = p.dependents.filter((d) => !d.policy.startsWith("protected")).reduce((n, d) => n + d.rows, 0);
  const scaled = p.dependentSampleOf > 0 && p.dependentSampleOf < p.eligible ? Math.ceil((below * p.eligible) / p.dependentSampleOf) : below;
  return p.eligible + scaled;
}

export function snapshotOf(p: CleanupPreview, now = new Date()): RequestSnapshot {
  return {
    at: now.toISOString(),
    orphans: p.orphans,
    eligible: p.eligible,
    inGrace: p.inGrace,
    allowlisted: p.allowlisted,
    graceDays: p.graceDays,
    dependents: p.dependents,
    dependentSampleOf: p.dependentSampleOf,
    sample: p.sample.map(jsonRow),
    scope: p.scope,
    approvalThreshold: p.approvalThreshold,
    cycles: p.cycles,
  };
}

interface JobCounts {
  deleted: bigint;
  nulled: bigint;
  dependentsRemoved: bigint;
}

/** Rows the job has removed or unlinked so far, the rows below included: what the approval limits. */
export const touchedBy = (j: JobCounts): number => Number(j.deleted + j.nulled + j.dependentsRemoved);

/**
 * Rows the job may remove in all: what was approved, else the threshold it was requested
 * under. (A job approved before approvals recorded a count: its eligible rows, or the threshold if larger.)
 */
export function allowanceOf(j: { approvedScope: number | null; approvedBy: string | null; approvalThreshold: number | null; estimate: number }, threshold: number): number {
  if (j.approvedScope != null) return j.approvedScope;
  const t = j.approvalThreshold ?? threshold;
  return j.approvedBy ? Math.max(j.estimate, t) : t;
}

/**
 * A second person, not the requester, lets the job remove up to `rows` rows in all (what it
 * already removed included; default: what the requester saw). Only a job awaiting approval.
 */
export async function approveJob(store: Store, jobId: string, approver: string, rows?: number): Promise<{ approvedScope: number }> {
  const job = await store.prisma.cleanupJob.findUnique({ where: { id: jobId } });
  if (!job) throw new ExpectedError("no such cleanup job");
  if (job.requestedBy === approver) throw new ExpectedError("a second person must approve: you requested this cleanup");
  if (job.status !== "awaiting_approval") throw new ExpectedError(`the job is ${job.status.replace(/_/g, " ")}, not awaiting approval`);
  const scope = rows ?? Math.max(job.scope, job.estimate);
  const done = touchedBy(job);
  if (!Number.isInteger(scope) || scope <= done) throw new ExpectedError(`approving ${scope} rows lets the job do nothing more: it has already removed ${done}`);
  const n = await store.prisma.cleanupJob.updateMany({
    where: { id: jobId, status: "awaiting_approval" },
    data: { status: "queued", approvedBy: approver, approvedAt: new Date(), approvedScope: scope, waitReason: null },
  });
  if (n.count !== 1) throw new ExpectedError("the job changed meanwhile: it is no longer awaiting approval");
  return { approvedScope: scope };
}

/** The approver says no, with a reason: the job ends (what it already did stays done). */
export async function rejectJob(store: Store, jobId: string, by: string, reason: string): Promise<void> {
  const job = await store.prisma.cleanupJob.findUnique({ where: { id: jobId }, select: { requestedBy: true, status: true } });
  if (!job) throw new ExpectedError("no such cleanup job");
  if (job.requestedBy === by) throw new ExpectedError("you requested this cleanup: cancel it instead");
  const n = await store.prisma.cleanupJob.updateMany({
    where: { id: jobId, status: "awaiting_approval" },
    data: { status: "rejected", rejectedBy: by, rejectReason: reason, finishedAt: new Date() },
  });
  if (n.count !== 1) throw new ExpectedError(`the job is ${job.status.replace(/_/g, " ")}, not awaiting approval`);
}

/** Jobs waiting for someone other than `viewerId` to approve them, oldest first. */
export async function pendingApprovals(store: Store, viewerId: string) {
  return store.prisma.cleanupJob.findMany({
    where: { status: "awaiting_approval", requestedBy: { not: viewerId } },
    orderBy: { createdAt: "asc" },
    select: { id: true, relation: true, scope: true, estimate: true, requestedBy: true, createdAt: true, waitReason: true },
    take: 50,
  });
}

export async function pendingApprovalCount(store: Store, viewerId: string): Promise<number> {
  return store.prisma.cleanupJob.count({ where: { status: "awaiting_approval", requestedBy: { not: viewerId } } });
}
