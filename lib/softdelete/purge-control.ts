import { controlsOf, isSilent } from "../jobs/lifecycle";
import type { Store } from "../store/client";
import { purgeJobs } from "./purge-job";

const controls = controlsOf(purgeJobs);
/** Stops the purge after the subject it is on (each subject's request finishes or stays open for a retry); its checkpoint stays. */
export const pausePurge = controls.pause;
/** Queued again: the worker resumes it from its checkpoint. */
export const resumePurge = controls.resume;
/** No further subject is started; what was purged stays purged, an unfinished request stays open for the next purge. */
export const cancelPurge = controls.cancel;

export interface PurgeStatus {
  id: string;
  table: string;
  status: string;
  trigger: string;
  requestedBy: string;
  /** Subjects past grace when the job first ran (null until it has). */
  total: number | null;
  subjects: number;
  completed: number;
  partial: number;
  failed: number;
  /** 0–1: subjects taken on against the total; 1 once the job has ended. */
  progress: number;
  subjectsPerMinute: number | null;
  etaSeconds: number | null;
  /** Running, but its worker has gone silent: another worker will take it over. */
  stalled: boolean;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const ENDED = new Set(["completed", "partial", "failed", "cancelled"]);

type PurgeJobRow = NonNullable<Awaited<ReturnType<Store["prisma"]["purgeJob"]["findUnique"]>>>;

export function purgeStatusOf(j: PurgeJobRow, now = Date.now()): PurgeStatus {
  const ended = ENDED.has(j.status);
  const progress = ended ? 1 : j.total ? Math.min(1, j.subjects / j.total) : 0;
  const elapsed = j.startedAt ? ((j.finishedAt?.getTime() ?? now) - j.startedAt.getTime()) / 1000 : 0;
  // a rate needs a few subjects over a few seconds; a purge of two subjects has none worth showing
  const perSecond = elapsed >= 2 && j.subjects >= 3 ? j.subjects / elapsed : null;
  const left = j.total != null ? Math.max(0, j.total - j.subjects) : null;
  return {
    id: j.id,
    table: j.table,
    status: j.status,
    trigger: j.trigger,
    requestedBy: j.requestedBy,
    total: j.total,
    subjects: j.subjects,
    completed: j.completed,
    partial: j.partial,
    failed: j.failed,
    progress,
    subjectsPerMinute: perSecond ? perSecond * 60 : null,
    etaSeconds: !ended && perSecond && left != null ? left / perSecond : null,
    stalled: isSilent(purgeJobs, j, now),
    error: j.error,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}

export async function purgeStatus(store: Store, jobId: string): Promise<PurgeStatus | null> {
  const j = await store.prisma.purgeJob.findUnique({ where: { id: jobId } });
  return j ? purgeStatusOf(j) : null;
}

/** The latest purge jobs, newest first. */
export async function recentPurges(store: Store, take = 10): Promise<PurgeStatus[]> {
  const jobs = await store.prisma.purgeJob.findMany({ orderBy: { createdAt: "desc" }, take });
  const now = Date.now();
  return jobs.map((j) => purgeStatusOf(j, now));
}
