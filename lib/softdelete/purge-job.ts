import { recordAudit } from "../audit/record";
import type { Config } from "../config/types";
import type { PurgeJobStatus } from "../../generated/prisma/enums";
import { abandonedIds, claim as claimJob, release, startHeartbeat, type JobModel } from "../jobs/lifecycle";
import type { Store } from "../store/client";
import { countPendingSubjects, pendingSubjects } from "../targets/features/softdelete";
import { TargetPool } from "../targets/pool";
import { graceCutoff, olderThan } from "./grace";
import { runDeletionRequest, type PurgeRunOptions } from "./purge-run";
import { recordedOn, Throttle, type LoadSource } from "../targets/throttle";
import { requestDeletion } from "./requests";
import { notYetRedacted } from "./pending";
import { softDeleteTableByName } from "./tables";

const SUBJECTS_PER_PAGE = 100;

/** "released": given back before a subject because the worker is stopping (queued again, heartbeat cleared). */
export type PurgeJobEnd = "completed" | "partial" | "failed" | "skipped" | "paused" | "cancelled" | "released";

/** A purge job in one of these holds its table: asking for another returns it (a partial unique index keeps it so). */
export const ACTIVE_PURGE_STATUSES = ["queued", "running", "paused"] as const satisfies readonly PurgeJobStatus[];

/** Purge jobs in the one job lifecycle (lib/jobs/lifecycle.ts). */
export const purgeJobs: JobModel<PurgeJobStatus> = {
  noun: "purge",
  missing: "no such purge job",
  rows: (store) => store.prisma.purgeJob,
  active: ACTIVE_PURGE_STATUSES,
};

/**
 * One active purge per table: asking again while one is alive (or paused) returns it; one
 * whose worker died is resumed by the reaper.
 */
export async function requestPurge(store: Store, table: string, opts: { requestedBy: string; trigger: "manual" | "schedule" }) {
  const active = await store.prisma.purgeJob.findFirst({ where: { table, status: { in: [...ACTIVE_PURGE_STATUSES] } } });
  if (active) return { jobId: active.id, created: false };
  try {
    const job = await store.prisma.purgeJob.create({ data: { table, status: "queued", trigger: opts.trigger, requestedBy: opts.requestedBy } });
    return { jobId: job.id, created: true };
  } catch (err) {
    const other = await store.prisma.purgeJob.findFirst({ where: { table, status: { in: [...ACTIVE_PURGE_STATUSES] } } });
    if (other) return { jobId: other.id, created: false };
    throw err;
  }
}

/**
 * Takes a queued job nobody works on (never started, or stopped by a pause: no heartbeat),
 * or one whose worker went silent. A job resumed while its worker still runs has that
 * worker's fresh heartbeat: left to it.
 */
const claim = (store: Store, jobId: string) => claimJob(store, purgeJobs, jobId, { free: [], silent: ["queued", "running"] });

/**
 * A purge of one table: first the requests of this table that wait for a retry (partial or
 * failed, their backoff over, or left mid-way by a dead worker), then every subject past
 * grace in primary-key order from the job's checkpoint, each through its own deletion
 * request. The checkpoint moves after each subject, so a killed job resumes where it was.
 * Pause and cancel are noticed before each subject: the one under way finishes first (its
 * request is two-phase; stopping inside it would leave it half done).
 */
export async function runPurgeJob(
  store: Store,
  config: Config,
  jobId: string,
  options: PurgeRunOptions & { signal?: AbortSignal; loadSource?: LoadSource } = {},
): Promise<PurgeJobEnd> {
  if (!(await claim(store, jobId))) return "skipped";
  const job = await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: jobId } });
  const pool = new TargetPool(config.targets);
  // Every batch of the job's requests waits while its target's replica lags or its server is loaded (the job says why).
  const throttle = new Throttle(
    config.targets,
    pool,
    recordedOn((data) => store.prisma.purgeJob.update({ where: { id: jobId }, data })),
    { source: options.loadSource, signal: options.signal },
  );
  const opts = { ...options, throttle };
  const stopHeartbeat = startHeartbeat(store, purgeJobs, jobId);
  const tally = async (status: string) => {
    const field = status === "completed" || status === "cancelled" ? "completed" : status === "partial" ? "partial" : "failed";
    await store.prisma.purgeJob.update({ where: { id: jobId }, data: { [field]: { increment: 1 }, heartbeatAt: new Date() } });
  };
  const end = async (status: "completed" | "partial" | "failed", error?: string): Promise<PurgeJobEnd> => {
    // Only a job still running ends here: one a person paused or cancelled meanwhile keeps that.
    const n = await store.prisma.purgeJob.updateMany({
      where: { id: jobId, status: "running" },
      data: { status, finishedAt: new Date(), error: error ?? null },
    });
    const done = await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: jobId } });
    if (n.count === 0) return done.status as PurgeJobEnd;
    await recordAudit(store, {
      actorId: "system",
      actorRoles: [],
      action: "purges.finish",
      object: `purge_job:${jobId}`,
      params: { table: job.table, status, subjects: done.subjects, completed: done.completed, partial: done.partial, failed: done.failed },
      result: status === "failed" ? "failed" : "ok",
      reason: error ?? null,
      requestId: `purge-job-${jobId}`,
    });
    return status;
  };
  // Before each subject: still ours? A person may have paused or cancelled it: stop, the
  // checkpoint kept, the heartbeat cleared so a resume is taken up at once. Or paused and
  // resumed it while this worker finished a subject: it is queued again with this worker's
  // fresh heartbeat, which the worker the resume enqueued leaves alone (claim), and taken
  // back here. Two workers never run one job.
  const stopAsked = async (): Promise<PurgeJobEnd | null> => {
    // The worker is stopping: the subject under way is done; the job waits, queued at its checkpoint, for the next worker.
    if (opts.signal?.aborted) {
      stopHeartbeat();
      if (await release(store, purgeJobs, jobId)) {
        opts.log?.(`purge ${jobId}: released at its checkpoint (the worker is stopping); the next worker resumes it`);
        return "released";
      }
    }
    for (;;) {
      const mine = await store.prisma.purgeJob.updateMany({
        where: { id: jobId, status: { in: ["running", "queued"] } },
        data: { status: "running", heartbeatAt: new Date() },
      });
      if (mine.count === 1) return null;
      const stopped = await store.prisma.purgeJob.updateMany({ where: { id: jobId, status: { in: ["paused", "cancelled"] } }, data: { heartbeatAt: null } });
      if (stopped.count === 1) return (await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: jobId }, select: { status: true } })).status as PurgeJobEnd;
      // resumed between the two: take it back
    }
  };
  try {
    const now = opts.now ?? new Date();
    const sd = await softDeleteTableByName(config, pool, job.table);
    const notRedacted = await notYetRedacted(config, sd);
    const pastGrace = olderThan(sd.target, "r", sd.column, graceCutoff(sd.config.graceDays, now));
    if (job.total == null) {
      const [{ n }] = await sd.target.query(countPendingSubjects(sd.ref, pastGrace, notRedacted));
      await store.prisma.purgeJob.update({ where: { id: jobId }, data: { total: Number(n) } });
    }
    // Requests this table already has that are not finished: a dead worker's, or due for a retry.
    const open = await store.prisma.deletionRequest.findMany({
      where: {
        table: sd.id,
        OR: [{ status: { in: ["pending", "marked", "deleting"] } }, { status: { in: ["partial", "failed"] }, nextAttemptAt: { lte: now } }],
      },
      orderBy: { createdAt: "asc" },
    });
    for (const r of open) {
      const stop = await stopAsked();
      if (stop) return stop;
      await store.prisma.purgeJob.update({ where: { id: jobId }, data: { subjects: { increment: 1 } } });
      await tally(await runDeletionRequest(store, config, pool, r.id, opts));
    }

    let cursor = (job.cursor as string[] | null)?.length ? (job.cursor as string[]) : null;
    for (;;) {
      const page = await sd.target.query(pendingSubjects(sd.ref, sd.pk, pastGrace, notRedacted, cursor, SUBJECTS_PER_PAGE));
      for (const row of page) {
        const stop = await stopAsked();
        if (stop) return stop;
        const key = sd.pk.map((_, i) => row[`p${i}`]);
        const { request, created } = await requestDeletion(store, sd.id, key, { requestedBy: job.requestedBy, jobId });
        // A request waiting for its backoff is left to its time; one retried above is not run twice.
        const waiting = !created && (request.status === "partial" || request.status === "failed") && request.nextAttemptAt && request.nextAttemptAt > now;
        if (!waiting && !open.some((o) => o.id === request.id)) {
          await store.prisma.purgeJob.update({ where: { id: jobId }, data: { subjects: { increment: 1 } } });
          await tally(await runDeletionRequest(store, config, pool, request.id, opts));
        }
        cursor = key.map(String);
        await store.prisma.purgeJob.update({ where: { id: jobId }, data: { cursor } });
      }
      if (page.length < SUBJECTS_PER_PAGE) break;
    }
    const done = await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: jobId } });
    return await end(done.partial + done.failed > 0 ? "partial" : "completed");
  } catch (err) {
    return await end("failed", ((err as Error)?.message ?? String(err)).slice(0, 1000));
  } finally {
    stopHeartbeat();
    await throttle.close();
    await pool.close();
  }
}

/** Running (or resumed) purges whose worker went silent: to be enqueued again so a live worker resumes them. */
// (queued with a heartbeat: resumed while its worker ran, and that worker died before taking it back)
export const abandonedPurges = (store: Store, now = new Date()) => abandonedIds(store, purgeJobs, ["running", "queued"], now);
