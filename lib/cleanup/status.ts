import type { Store } from "../store/client";
import { allowanceOf, removedWithoutApproval, touchedBy, unapproved } from "./approval";
import { isSilent } from "../jobs/lifecycle";
import { cleanupJobs } from "./jobs";

export interface CleanupStatus {
  id: string;
  relation: string;
  action: string;
  status: string;
  /** Running, but its worker has gone silent: it will be resumed by the next worker that looks. */
  stalled: boolean;
  requestedBy: string;
  approvedBy: string | null;
  approvedAt: string | null;
  /** Rows (the rows below included) approved in all; null while none were. */
  approvedScope: number | null;
  /** Rows the job may remove before it waits for approval (approved, else the threshold less what earlier unapproved jobs of the relation removed lately). */
  allowance: number;
  /** Rows removed or unlinked so far, the rows below included. */
  touched: number;
  /** Rows it will remove as counted at request (eligible plus the rows below). */
  scope: number;
  waitReason: string | null;
  rejectedBy: string | null;
  rejectReason: string | null;
  estimate: number;
  total: number;
  examined: number;
  deleted: number;
  nulled: number;
  archived: number;
  dependentsRemoved: number;
  skipped: { grace: number; allowlist: number; notOrphan: number; protected: number };
  failed: number;
  batches: number;
  /** 0–1; 1 only once completed. */
  progress: number;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  /** Archived rows still in the archive (what a restore would put back). */
  restorable: number;
  /** Why the next batch waits for the target's load ("replica lag 3.2 s > 1 s"), or null. */
  throttleReason: string | null;
  /** Seconds spent throttled in all. */
  throttledSeconds: number;
  /** Archived rows put back by restores. */
  restored: number;
}

/** Below this much running time, or this few batches, a rate (and an ETA from it) would be noise: none is shown. */
export const RATE_MIN_SECONDS = 2;
export const RATE_MIN_BATCHES = 2;

export async function cleanupStatus(store: Store, id: string): Promise<CleanupStatus | null> {
  const j = await store.prisma.cleanupJob.findUnique({ where: { id } });
  if (!j) return null;
  const archive = j.action === "archive_then_delete";
  const [restorable, restored] = archive
    ? await Promise.all([
        store.prisma.archivedRow.count({ where: { jobId: id, restoredAt: null } }),
        store.prisma.archivedRow.count({ where: { jobId: id, restoredAt: { not: null } } }),
      ])
    : [0, 0];
  const n = (v: bigint) => Number(v);
  const earlier = unapproved(j) && cleanupJobs.active.includes(j.status) ? await removedWithoutApproval(store, j.relation, new Date(), j.id) : 0;
  const examined = n(j.examined);
  const live = j.status === "running" && j.startedAt ? Math.max(0, (Date.now() - (j.heartbeatAt ?? j.startedAt).getTime()) / 1000) : 0;
  const seconds = j.runSeconds + Math.min(live, 5);
  const rate = seconds >= RATE_MIN_SECONDS && j.batches >= RATE_MIN_BATCHES && examined > 0 ? examined / seconds : null;
  const progress = j.status === "completed" ? 1 : j.total > 0 ? Math.min(0.99, examined / j.total) : 0;
  return {
    id: j.id,
    relation: j.relation,
    action: j.action,
    status: j.status,
    stalled: isSilent(cleanupJobs, j),
    requestedBy: j.requestedBy,
    approvedBy: j.approvedBy,
    approvedAt: j.approvedAt?.toISOString() ?? null,
    approvedScope: j.approvedScope == null ? null : Number(j.approvedScope),
    allowance: allowanceOf(j, Number(j.approvalThreshold ?? 0), earlier),
    touched: touchedBy(j),
    scope: Number(j.scope),
    waitReason: j.waitReason,
    rejectedBy: j.rejectedBy,
    rejectReason: j.rejectReason,
    estimate: j.estimate,
    total: j.total,
    examined,
    deleted: n(j.deleted),
    nulled: n(j.nulled),
    archived: n(j.archived),
    dependentsRemoved: n(j.dependentsRemoved),
    skipped: { grace: n(j.skippedGrace), allowlist: n(j.skippedAllowlist), notOrphan: n(j.skippedNotOrphan), protected: n(j.skippedProtected) },
    failed: n(j.failed),
    batches: j.batches,
    progress,
    rowsPerSecond: rate,
    etaSeconds: rate && j.status === "running" ? Math.max(0, (j.total - examined) / rate) : null,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
    error: j.error,
    restorable,
    throttleReason: j.status === "running" ? j.throttleReason : null,
    throttledSeconds: j.throttledSeconds,
    restored,
  };
}
