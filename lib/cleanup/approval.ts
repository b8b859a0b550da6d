import { z } from "zod";
import { notFound, refused } from "../errors/user-error";
import type { Store } from "../store/client";
import type { CleanupPreview } from "./preview-result";
import { jsonValue, type Row } from "./rows";

/**
 * Four eyes. A job that would remove more rows than the threshold (the orphans and the
 * rows below them) waits for a second person with ops or admin; the count approved is
 * recorded with the approval and the engine never removes more than it (nor more than the
 * threshold without an approval): a job that would go beyond stops and waits for approval
 * again. Allowlist changes, a pause and a resume cannot widen a job.
 */

/**
 * What the requester saw when asking, kept on the job so the approver sees the same figures.
 * Rows are kept by their keys only (primary key, then the orphan reference): a copy of a row's
 * other values would outlive the rows the cleanup deletes and escape erasure verification.
 * Whoever may preview orphans sees sample rows read live from the target instead.
 */
export interface RequestSnapshot {
  at: string;
  orphans: number;
  eligible: number;
  inGrace: number;
  allowlisted: number;
  graceDays: number;
  dependents: { table: string; policy: string; rows: number }[];
  dependentSampleOf: number;
  /** The keys of up to 20 sampled eligible rows: column names, then each row's values (bigints and dates as text). */
  sampleKeys: { columns: string[]; rows: unknown[][] };
  /** A snapshot made before keys only were kept: how many sample rows the migration stripped. */
  sampleRemoved?: number;
  scope: number;
  approvalThreshold: number;
  cycles: string[];
}

const figure = z.number().finite();
/**
 * A stored snapshot as the job page reads it: only the fields above survive (anything else a
 * store holds, such as a pre-migration `sample`, is dropped here, never sent to a browser).
 */
const snapshotSchema = z.object({
  at: z.string(),
  orphans: figure,
  eligible: figure,
  inGrace: figure,
  allowlisted: figure,
  graceDays: figure,
  dependents: z.array(z.object({ table: z.string(), policy: z.string(), rows: figure })),
  dependentSampleOf: figure,
  sampleKeys: z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.unknown())) }).catch({ columns: [], rows: [] }),
  sampleRemoved: figure.optional(),
  scope: figure,
  approvalThreshold: figure,
  cycles: z.array(z.string()).catch([]),
});

export function readSnapshot(stored: unknown): RequestSnapshot | null {
  const r = snapshotSchema.safeParse(stored);
  return r.success ? r.data : null;
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

/** The preview as kept on the job: figures, and of the sampled rows only their keys. */
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
    sampleKeys: sampleKeysOf(p.sample, p.keyColumns),
    scope: p.scope,
    approvalThreshold: p.approvalThreshold,
    cycles: p.cycles,
  };
}

/** The key columns' values of each row, nothing else. */
export function sampleKeysOf(rows: Row[], keyColumns: string[]): RequestSnapshot["sampleKeys"] {
  return { columns: keyColumns, rows: rows.map((r) => keyColumns.map((c) => jsonValue(r[c]) ?? null)) };
}

interface JobCounts {
  deleted: bigint;
  nulled: bigint;
  dependentsRemoved: bigint;
}

/** Rows the job has removed or unlinked so far, the rows below included: what the approval limits. */
export const touchedBy = (j: JobCounts): number => Number(j.deleted + j.nulled + j.dependentsRemoved);

/**
 * How long rows removed without approval count against the threshold of the relation's next
 * unapproved job. Without it a requester could cancel a job that stopped at the threshold and
 * start another for a fresh threshold's worth, again and again. A day: longer than anyone's
 * working session, short enough that small routine cleanups on different days each get the
 * whole threshold.
 */
export const UNAPPROVED_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Rows (the rows below included) removed by jobs of `relation` that nobody approved, finished
 * within the window or not finished; `exceptJobId` is the job asking. A job approved later was
 * approved for what it had already removed, so its rows do not count.
 */
export async function removedWithoutApproval(store: Store, relation: string, now = new Date(), exceptJobId?: string): Promise<number> {
  const since = new Date(now.getTime() - UNAPPROVED_WINDOW_MS);
  const sum = await store.prisma.cleanupJob.aggregate({
    where: { relation, approvedBy: null, ...(exceptJobId ? { id: { not: exceptJobId } } : {}), OR: [{ finishedAt: null }, { finishedAt: { gte: since } }] },
    _sum: { deleted: true, nulled: true, dependentsRemoved: true },
  });
  return touchedBy({ deleted: sum._sum.deleted ?? 0n, nulled: sum._sum.nulled ?? 0n, dependentsRemoved: sum._sum.dependentsRemoved ?? 0n });
}

/**
 * Rows the job may remove in all: what was approved, else the threshold it was requested
 * under less what earlier unapproved jobs of the relation removed within the window
 * (`earlierUnapproved`). (A job approved before approvals recorded a count: its eligible
 * rows, or the threshold if larger.)
 */
export function allowanceOf(
  j: { approvedScope: bigint | number | null; approvedBy: string | null; approvalThreshold: bigint | number | null; estimate: number },
  threshold: number,
  earlierUnapproved = 0,
): number {
  if (j.approvedScope != null) return Number(j.approvedScope);
  const t = Number(j.approvalThreshold ?? threshold);
  return j.approvedBy ? Math.max(j.estimate, t) : Math.max(0, t - earlierUnapproved);
}

/** Whether earlier unapproved removals count for this job: only while nobody has approved it. */
export const unapproved = (j: { approvedScope: bigint | number | null; approvedBy: string | null }) => j.approvedScope == null && !j.approvedBy;

/**
 * A second person, not the requester, lets the job remove up to `rows` rows in all (what it
 * already removed included; default: what the requester saw). Only a job awaiting approval.
 */
export async function approveJob(store: Store, jobId: string, approver: string, rows?: number): Promise<{ approvedScope: number }> {
  const job = await store.prisma.cleanupJob.findUnique({ where: { id: jobId } });
  if (!job) throw notFound("no such cleanup job");
  if (job.requestedBy === approver) throw refused("a second person must approve: you requested this cleanup");
  if (job.status !== "awaiting_approval") throw refused(`the job is ${job.status.replace(/_/g, " ")}, not awaiting approval`);
  const scope = rows ?? Math.max(Number(job.scope), job.estimate);
  const done = touchedBy(job);
  if (!Number.isInteger(scope) || scope <= done) throw refused(`approving ${scope} rows lets the job do nothing more: it has already removed ${done}`);
  const n = await store.prisma.cleanupJob.updateMany({
    where: { id: jobId, status: "awaiting_approval" },
    data: { status: "queued", approvedBy: approver, approvedAt: new Date(), approvedScope: scope, waitReason: null },
  });
  if (n.count !== 1) throw refused("the job changed meanwhile: it is no longer awaiting approval");
  return { approvedScope: scope };
}

/** The approver says no, with a reason: the job ends (what it already did stays done). */
export async function rejectJob(store: Store, jobId: string, by: string, reason: string): Promise<void> {
  const job = await store.prisma.cleanupJob.findUnique({ where: { id: jobId }, select: { requestedBy: true, status: true } });
  if (!job) throw notFound("no such cleanup job");
  if (job.requestedBy === by) throw refused("you requested this cleanup: cancel it instead");
  const n = await store.prisma.cleanupJob.updateMany({
    where: { id: jobId, status: "awaiting_approval" },
    data: { status: "rejected", rejectedBy: by, rejectReason: reason, finishedAt: new Date() },
  });
  if (n.count !== 1) throw refused(`the job is ${job.status.replace(/_/g, " ")}, not awaiting approval`);
}

/** Jobs waiting for someone other than `viewerId` to approve them, oldest first. */
export async function pendingApprovals(store: Store, viewerId: string) {
  return store.prisma.cleanupJob
    .findMany({
      where: { status: "awaiting_approval", requestedBy: { not: viewerId } },
      orderBy: { createdAt: "asc" },
      select: { id: true, relation: true, scope: true, estimate: true, requestedBy: true, createdAt: true, waitReason: true },
      take: 50,
    })
    .then((jobs) => jobs.map((j) => ({ ...j, scope: Number(j.scope) })));
}

export async function pendingApprovalCount(store: Store, viewerId: string): Promise<number> {
  return store.prisma.cleanupJob.count({ where: { status: "awaiting_approval", requestedBy: { not: viewerId } } });
}
