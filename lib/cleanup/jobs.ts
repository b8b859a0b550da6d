import type { CleanupJobStatus } from "../../generated/prisma/enums";
import { abandonedIds, controlsOf, isSilent, type JobModel } from "../jobs/lifecycle";
import type { Store } from "../store/client";
import { removedWithoutApproval, type RequestSnapshot } from "./approval";

export { approveJob, rejectJob } from "./approval";

const ACTIVE = ["awaiting_approval", "queued", "running", "paused"] as const satisfies readonly CleanupJobStatus[];

/** Cleanup jobs in the one job lifecycle (lib/jobs/lifecycle.ts). */
export const cleanupJobs: JobModel<CleanupJobStatus> = {
  noun: "job",
  missing: "no such cleanup job",
  rows: (store) => store.prisma.cleanupJob,
  active: ACTIVE,
};

export interface CleanupRequest {
  relation: string;
  action: string;
  requestedBy: string;
  eligible: number;
  /** Rows the job will remove, the rows below the eligible ones included (default: the eligible rows). */
  scope?: number;
  /** What the requester saw, kept for the approver. */
  snapshot?: RequestSnapshot;
  /** Rows the walk will examine, for the progress bar. */
  total: number;
  approvalThreshold: number;
  batchSize: number;
  /** Batches grow up to this while they stay quick; none: every batch is batchSize. */
  maxBatchSize?: number;
}

export type RequestOutcome =
  { kind: "created"; jobId: string; status: string } | { kind: "resumed"; jobId: string } | { kind: "refused"; jobId: string; status: string; reason: string };

/**
 * One active job per relation. Asking again while one is alive is refused with that job;
 * asking again after its worker died resumes it from its checkpoint, it does not start over.
 */
export async function requestCleanup(store: Store, req: CleanupRequest): Promise<RequestOutcome> {
  const active = await store.prisma.cleanupJob.findFirst({ where: { relation: req.relation, status: { in: [...ACTIVE] } } });
  if (active) {
    if (isSilent(cleanupJobs, active)) {
      await store.prisma.cleanupJob.update({ where: { id: active.id }, data: { status: "queued" } });
      return { kind: "resumed", jobId: active.id };
    }
    return { kind: "refused", jobId: active.id, status: active.status, reason: `a cleanup of ${req.relation} is already ${active.status.replace("_", " ")}` };
  }
  // What earlier jobs of the relation removed without approval (the window in approval.ts) is
  // taken from this job's threshold: cancelling and asking again gives no fresh threshold.
  const earlier = await removedWithoutApproval(store, req.relation);
  try {
    const job = await store.prisma.cleanupJob.create({
      data: {
        relation: req.relation,
        action: req.action,
        status: (req.scope ?? req.eligible) > req.approvalThreshold - earlier ? "awaiting_approval" : "queued",
        requestedBy: req.requestedBy,
        estimate: req.eligible,
        scope: req.scope ?? req.eligible,
        approvalThreshold: req.approvalThreshold,
        requestSnapshot: req.snapshot ? (req.snapshot as object) : undefined,
        total: req.total,
        batchSize: req.batchSize,
        maxBatchSize: req.maxBatchSize ?? null,
      },
    });
    return { kind: "created", jobId: job.id, status: job.status };
  } catch (err) {
    // Someone else's request won the race for the one active slot.
    const other = await store.prisma.cleanupJob.findFirst({ where: { relation: req.relation, status: { in: [...ACTIVE] } } });
    if (other) return { kind: "refused", jobId: other.id, status: other.status, reason: `a cleanup of ${req.relation} was just requested by someone else` };
    throw err;
  }
}

const controls = controlsOf(cleanupJobs);
export const pauseJob = controls.pause;
export const resumeJob = controls.resume;
export const cancelJob = controls.cancel;

/** Running jobs whose worker went silent: put back in the queue so a live worker resumes them. */
export const requeueAbandoned = (store: Store, now = new Date()) => abandonedIds(store, cleanupJobs, ["running"], now);
