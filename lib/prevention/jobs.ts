import type { PreventionJobStatus } from "../../generated/prisma/enums";
import type { Config } from "../config/types";
import { notFound, refused, usageError } from "../errors/user-error";
import { isSilent, transition, type JobModel } from "../jobs/lifecycle";
import type { Store } from "../store/client";
import type { TargetPool } from "../targets/pool";
import type { PreventionAction } from "./action";
import { proposalJson, type ProposalJson } from "./json";
import { proposePrevention } from "./propose";
import { confirmationPhrase } from "./prevention.validation";

/** A constraint job holds its relations while in one of these: a second request for any of them is refused. */
export const ACTIVE_PREVENTION = ["awaiting_approval", "queued", "running"] as const satisfies readonly PreventionJobStatus[];
export const FINISHED_PREVENTION = ["applied", "failed", "blocked", "rejected", "cancelled"] as const satisfies readonly PreventionJobStatus[];

/** Constraint jobs in the one job lifecycle (lib/jobs/lifecycle.ts). */
export const preventionJobs: JobModel<PreventionJobStatus> = {
  noun: "constraint job",
  missing: "no such constraint job",
  rows: (store) => store.prisma.preventionJob,
  active: ACTIVE_PREVENTION,
};

export interface ApplyRequest {
  relations: string[];
  actions?: Record<string, PreventionAction>;
  /** The phrase the requester typed (confirmationPhrase). */
  confirm: string;
  requestedBy: string;
}

/**
 * Ops asks for the constraints of these relations. Refused unless the phrase was typed, no
 * other constraint job holds one of the relations, and each proposal is ready now (counted
 * afresh: 0 orphans, no constraint yet). The job keeps the proposals as the requester saw
 * them; it waits for a second person unless the config says prevention.requireApproval:
 * false (then it is queued: the caller enqueues or runs it).
 */
export async function requestPreventionApply(
  store: Store,
  config: Config,
  pool: TargetPool,
  req: ApplyRequest,
): Promise<{ jobId: string; status: PreventionJobStatus }> {
  const phrase = confirmationPhrase(req.relations);
  if (req.confirm !== phrase) throw usageError(`type "${phrase}" exactly to confirm`);
  const held = await store.prisma.preventionJob.findMany({
    where: { status: { in: [...ACTIVE_PREVENTION] } },
    select: { id: true, relations: true, status: true },
  });
  for (const job of held) {
    const overlap = relationsOf(job.relations).filter((r) => req.relations.includes(r));
    if (overlap.length) throw refused(`a constraint job for ${overlap.join(", ")} is already ${job.status.replace(/_/g, " ")}: see /prevention/jobs/${job.id}`);
  }
  const proposals = await proposePrevention(config, pool, { only: req.relations, actions: req.actions });
  const notReady = proposals.filter((p) => p.status !== "ready");
  if (notReady.length) throw refused(`not ready, nothing requested: ${notReady.map((p) => `${p.relation} is ${p.status} (${p.reason})`).join("; ")}`);
  const job = await store.prisma.preventionJob.create({
    data: {
      status: config.prevention.requireApproval ? "awaiting_approval" : "queued",
      relations: req.relations,
      actions: Object.fromEntries(proposals.map((p) => [p.relation, p.action])),
      requestedBy: req.requestedBy,
      requestSnapshot: { at: new Date().toISOString(), proposals: proposals.map(proposalJson) } as object,
      stepsTotal: countSteps(proposals.map(proposalJson)),
    },
  });
  return { jobId: job.id, status: job.status };
}

/** Statement groups the job runs: a SQLite rebuild shared by several relations of one table runs once. */
function countSteps(proposals: ProposalJson[]): number {
  return new Set(proposals.flatMap((p) => p.statements.map((s) => `${p.child.target}\u0000${s.title}\u0000${s.sql.join(";")}`))).size;
}

export function relationsOf(stored: unknown): string[] {
  return Array.isArray(stored) ? stored.filter((r): r is string => typeof r === "string") : [];
}

/** A second person, not the requester, lets the job run: it is queued (the caller enqueues it). */
export async function approvePrevention(store: Store, jobId: string, approver: string): Promise<void> {
  const job = await store.prisma.preventionJob.findUnique({ where: { id: jobId }, select: { requestedBy: true, status: true } });
  if (!job) throw notFound(preventionJobs.missing);
  if (job.requestedBy === approver) throw refused("a second person must approve: you requested these constraints");
  const n = await store.prisma.preventionJob.updateMany({
    where: { id: jobId, status: "awaiting_approval" },
    data: { status: "queued", approvedBy: approver, approvedAt: new Date() },
  });
  if (n.count !== 1) throw refused(`the constraint job is ${job.status.replace(/_/g, " ")}, not awaiting approval`);
}

/** The approver says no, with a reason: nothing ran, nothing will. */
export async function rejectPrevention(store: Store, jobId: string, by: string, reason: string): Promise<void> {
  const job = await store.prisma.preventionJob.findUnique({ where: { id: jobId }, select: { requestedBy: true, status: true } });
  if (!job) throw notFound(preventionJobs.missing);
  if (job.requestedBy === by) throw refused("you requested these constraints: cancel them instead");
  const n = await store.prisma.preventionJob.updateMany({
    where: { id: jobId, status: "awaiting_approval" },
    data: { status: "rejected", rejectedBy: by, rejectReason: reason, finishedAt: new Date() },
  });
  if (n.count !== 1) throw refused(`the constraint job is ${job.status.replace(/_/g, " ")}, not awaiting approval`);
}

/** Before it runs (awaiting approval or queued) only: a DDL statement under way is not interrupted half-way. */
export function cancelPrevention(store: Store, jobId: string): Promise<void> {
  return transition(
    store,
    preventionJobs,
    jobId,
    ["awaiting_approval", "queued"],
    { status: "cancelled", finishedAt: new Date() },
    (s) => `only a constraint job that has not started can be cancelled (this one is ${s.replace(/_/g, " ")})`,
  );
}

export interface PreventionJobView {
  id: string;
  status: PreventionJobStatus;
  /** Running, but its worker went silent mid-step: what it did is below, the rest did not run. */
  stalled: boolean;
  relations: string[];
  actions: Record<string, string>;
  requestedBy: string;
  approvedBy: string | null;
  approvedAt: string | null;
  rejectedBy: string | null;
  rejectReason: string | null;
  stepsDone: number;
  stepsTotal: number | null;
  currentStep: string | null;
  steps: { relations: string[]; title: string; status: string; error?: string }[];
  verified: { relation: string; constraint: string; exists: boolean; validated: boolean; onDelete: string | null }[];
  reason: string | null;
  worker: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  requested: { at: string; proposals: ProposalJson[] } | null;
}

/** One constraint job as its page and the status route show it. */
export async function preventionStatus(store: Store, id: string): Promise<PreventionJobView | null> {
  const j = await store.prisma.preventionJob.findUnique({ where: { id } });
  if (!j) return null;
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const snapshot = j.requestSnapshot as { at?: string; proposals?: ProposalJson[] } | null;
  return {
    id: j.id,
    status: j.status,
    stalled: isSilent(preventionJobs, j),
    relations: relationsOf(j.relations),
    actions: (j.actions ?? {}) as Record<string, string>,
    requestedBy: j.requestedBy,
    approvedBy: j.approvedBy,
    approvedAt: iso(j.approvedAt),
    rejectedBy: j.rejectedBy,
    rejectReason: j.rejectReason,
    stepsDone: j.stepsDone,
    stepsTotal: j.stepsTotal,
    currentStep: j.currentStep,
    steps: (j.steps ?? []) as PreventionJobView["steps"],
    verified: (j.verified ?? []) as PreventionJobView["verified"],
    reason: j.reason,
    worker: j.worker,
    createdAt: j.createdAt.toISOString(),
    startedAt: iso(j.startedAt),
    finishedAt: iso(j.finishedAt),
    requested: snapshot?.at && Array.isArray(snapshot.proposals) ? { at: snapshot.at, proposals: snapshot.proposals } : null,
  };
}

/** The latest constraint jobs, newest first (the Prevention and Jobs pages). */
export function recentPreventionJobs(store: Store, take = 20) {
  return store.prisma.preventionJob.findMany({
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, status: true, relations: true, requestedBy: true, createdAt: true, finishedAt: true, reason: true },
  });
}

/** Constraint jobs waiting for someone other than `viewerId` to approve them, oldest first. */
export function pendingPreventionApprovals(store: Store, viewerId: string) {
  return store.prisma.preventionJob.findMany({
    where: { status: "awaiting_approval", requestedBy: { not: viewerId } },
    orderBy: { createdAt: "asc" },
    select: { id: true, relations: true, requestedBy: true, createdAt: true },
    take: 50,
  });
}
