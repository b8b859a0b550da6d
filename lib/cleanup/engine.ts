import { sleep } from "../sleep";
import { recordAudit } from "../audit/record";
import type { Config } from "../config/types";
import { resolveRelations } from "../relations/resolve";
import { BatchPace, halveBatch, nextBatchSize } from "../jobs/batch-size";
import { claim, release as giveBack, startHeartbeat } from "../jobs/lifecycle";
import type { Store } from "../store/client";
import { isTargetError } from "../targets/errors";
import { TargetPool } from "../targets/pool";
import { recordedOn, Throttle, type LoadSource } from "../targets/throttle";
import { allowanceOf, removedWithoutApproval, touchedBy, unapproved, UNAPPROVED_WINDOW_MS } from "./approval";
import { runBatch } from "./batch";
import { increments, type zeroCounts } from "./batch-steps";
import { CandidateReader, nextCandidates } from "./candidates";
import { cleanupJobs } from "./jobs";
import { planCleanup, type CleanupPlan } from "./plan";
import { reconcilePending } from "./reconcile";

const MIN_BATCH = 10;
/** A cleanup batch slower than this halves the next: its row locks are held that long (p99 goal, issue 13). */
const SLOW_CLEANUP_BATCH_MS = 250;
/**
 * What a cleanup batch's size is steered toward: at most 60% of that bound, less where the
 * job's recent batches ran unevenly (BatchPace), so the slow ones still end under it.
 */
const CLEANUP_BATCH_AIM_MS = { max: 150, min: 60 };
const STATUS_EVERY_MS = 500;
const TRANSIENT_RETRIES = 5;

/** "released": given back at its checkpoint because the worker is stopping (queued again, heartbeat cleared). */
export type JobEnd = "completed" | "paused" | "cancelled" | "failed" | "skipped" | "awaiting_approval" | "released";

export interface RunOptions {
  log?: (line: string) => void;
  /** Tests: wait this long between batches, so a kill lands mid-job. */
  batchDelayMs?: number;
  /** The worker is stopping: the batch under way finishes, then the job is released for the next worker. */
  signal?: AbortSignal;
  /** Tests: where throttling reads the target's replica lag and load (no replica runs here). */
  loadSource?: LoadSource;
}

/** Takes a queued job, or one whose worker died; false when another worker has it or it is not runnable. */
export const claimJob = (store: Store, jobId: string, now = new Date()) => claim(store, cleanupJobs, jobId, { free: ["queued"], silent: ["running"] }, now);

/**
 * Runs a cleanup job from its checkpoint to its end, batch by batch, until it completes,
 * is paused or cancelled (checked between batches), or fails. Transient target errors
 * (unreachable, timeout, lock) are retried with backoff, a timeout also halves the batch;
 * a batch that fails otherwise is retried row by row, and a row that fails alone is
 * counted failed and passed over, never retried forever. Before each batch the rows it may
 * still remove are what was approved (else the threshold) less what it removed: a batch
 * that would go beyond changes nothing and the job waits for approval (approval.ts).
 */
export async function runCleanupJob(store: Store, config: Config, jobId: string, opts: RunOptions = {}): Promise<JobEnd> {
  if (!(await claimJob(store, jobId))) return "skipped";
  const job = await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId } });
  const pool = new TargetPool(config.targets);
  const throttle = new Throttle(
    config.targets,
    pool,
    recordedOn((data) => store.prisma.cleanupJob.update({ where: { id: jobId }, data })),
    { source: opts.loadSource, signal: opts.signal },
  );
  let runStarted = Date.now();
  const stopHeartbeat = startHeartbeat(store, cleanupJobs, jobId);
  const spent = async () => {
    const s = (Date.now() - runStarted) / 1000;
    runStarted = Date.now();
    await store.prisma.cleanupJob.update({ where: { id: jobId }, data: { runSeconds: { increment: s } } });
  };
  const end = async (status: "completed" | "failed", error?: string) => {
    await spent();
    const done = await store.prisma.cleanupJob.update({
      where: { id: jobId },
      data: { status, finishedAt: new Date(), ...(error ? { error } : {}) },
    });
    await recordAudit(store, {
      actorId: "system",
      actorRoles: [],
      action: "cleanups.finish",
      object: `job:${jobId}`,
      params: { relation: job.relation, status, deleted: Number(done.deleted), nulled: Number(done.nulled), failed: Number(done.failed) },
      result: status === "failed" ? "failed" : "ok",
      reason: error ?? null,
      requestId: `job-${jobId}`,
    });
    return status;
  };
  /** Rows earlier unapproved jobs of the relation removed lately: taken off this job's threshold (read below). */
  let earlier = 0;
  /** The next batch would go beyond what the job may remove: it stops here until someone approves more. */
  const awaitApproval = async (wouldRemove: number, left: number): Promise<JobEnd> => {
    await spent();
    const removed = touchedBy(await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId } }));
    const under =
      earlier > 0 ? ` (${earlier} removed without approval by earlier cleanups of this relation in the last ${UNAPPROVED_WINDOW_MS / 3_600_000} h)` : "";
    const reason = `stopped after ${removed} rows: the next batch would remove ${wouldRemove} more, ${left} ${job.approvedScope != null || job.approvedBy ? "left of what was approved" : `left under the approval threshold${under}`}`;
    // Only a job still running: a pause or a cancel meanwhile stands.
    const n = await store.prisma.cleanupJob.updateMany({ where: { id: jobId, status: "running" }, data: { status: "awaiting_approval", waitReason: reason } });
    if (n.count !== 1) return (await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId }, select: { status: true } })).status as JobEnd;
    await recordAudit(store, {
      actorId: "system",
      actorRoles: [],
      action: "cleanups.await_approval",
      object: `job:${jobId}`,
      params: { relation: job.relation, removed, wouldRemove, left },
      result: "ok",
      reason,
      requestId: `job-${jobId}`,
    });
    return "awaiting_approval";
  };
  // Nothing is left "running" with a heartbeat nobody sends: queued again at the checkpoint.
  const release = async (): Promise<JobEnd> => {
    stopHeartbeat();
    await spent();
    await giveBack(store, cleanupJobs, jobId);
    opts.log?.(`cleanup ${jobId}: released at its checkpoint (the worker is stopping); the next worker resumes it`);
    return "released";
  };
  try {
    const { relations } = await resolveRelations(config, pool);
    const relation = relations.find((r) => r.name === job.relation);
    if (!relation) return await end("failed", `relation ${job.relation} is no longer in the config or the targets' catalogs`);
    const plan = await planCleanup(config, pool, relation);
    if (job.action !== plan.action)
      return await end("failed", `the relation's cleanup action changed from ${job.action} to ${plan.action} since the job was requested; request it again`);
    let size = job.batchSize;
    const bounds = {
      min: MIN_BATCH,
      max: Math.max(job.batchSize, job.maxBatchSize ?? job.batchSize),
      grow: 1.5,
      slowMs: SLOW_CLEANUP_BATCH_MS,
      // Below the size asked for, only a batch over slowMs shrinks it: where each batch has a fixed
      // cost near the aim (a remote store and target), aiming alone would shrink it to nothing.
      aimFloor: job.batchSize,
    };
    const pace = new BatchPace({ boundMs: SLOW_CLEANUP_BATCH_MS, minAimMs: CLEANUP_BATCH_AIM_MS.min, maxAimMs: CLEANUP_BATCH_AIM_MS.max, window: 20 });
    // Batch numbers only grow (a dropped intent leaves a gap); read once, not counted per batch.
    let nextSeq = ((await store.prisma.cleanupBatch.aggregate({ where: { jobId }, _max: { seq: true } }))._max.seq ?? 0) + 1;
    // A batch may be half-known at start (a crash) and after any error (a lost commit).
    let settle = true;
    let rowByRow = 0;
    let rowFailures = 0;
    let transientFailures = 0;
    // Where the walk stands, kept here between batches; read again from the store after
    // anything that moves it there (a reconciled batch, a skipped row, an error).
    let position: { cursor: unknown[] | null; batches: number } | null = null;
    // Reads the next batch's candidates while this one is written; a new one whenever the position is read (again).
    let reader!: CandidateReader;
    let statusReadAt = 0;
    // Read once: approving happens while the job waits, never while it runs. Unapproved, the
    // rows earlier unapproved jobs of the relation removed lately come off the threshold.
    earlier = unapproved(job) ? await removedWithoutApproval(store, job.relation, new Date(), jobId) : 0;
    const allowance = allowanceOf(job, plan.approvalThreshold, earlier);
    let touched = touchedBy(job);
    for (;;) {
      // Between batches: none is half-written (or it is settled at the next start).
      if (opts.signal?.aborted) return await release();
      // Pause and cancel are noticed within STATUS_EVERY_MS, without a store read per batch.
      if (!position || Date.now() - statusReadAt > STATUS_EVERY_MS) {
        const current = await store.prisma.cleanupJob.findUniqueOrThrow({
          where: { id: jobId },
          select: { status: true, cursor: true, batches: true, deleted: true, nulled: true, dependentsRemoved: true },
        });
        statusReadAt = Date.now();
        touched = touchedBy(current);
        if (current.status === "paused" || current.status === "cancelled") {
          await spent();
          return current.status;
        }
        if (!position) {
          position = { cursor: (current.cursor as string[] | null)?.length ? (current.cursor as string[]) : null, batches: current.batches };
          reader = new CandidateReader(plan);
        }
      }
      const cursor = position.cursor;
      if (position.batches > 0 && !cursor) return await end("completed");
      try {
        // A batch left half-known by a crash or a lost connection is settled before the next one.
        if (settle) {
          settle = false;
          if (await reconcilePending(store, plan, jobId)) {
            position = null;
            continue;
          }
        }
        // A lagging replica or a loaded server: the batch waits (the job says why).
        await throttle.before(plan.child.name);
        const seq = nextSeq++;
        const left = Math.max(0, allowance - touched);
        const asked = Math.max(1, Math.min(left, rowByRow > 0 ? 1 : size));
        // The batch's own time sizes the next: not a throttle's wait, nor a reconcile before it.
        const batchStarted = performance.now();
        const outcome = await runBatch(store, plan, { id: jobId, seq }, cursor, asked, reader, left);
        if (outcome.overBudget) return await awaitApproval(outcome.overBudget, left);
        touched += outcome.counts.deleted + outcome.counts.nulled + outcome.counts.dependentsRemoved;
        position = { cursor: outcome.cursor, batches: position.batches + 1 };
        transientFailures = 0;
        rowFailures = 0;
        if (!outcome.wrote) await recordWalk(store, jobId, outcome.counts, outcome.cursor);
        if (rowByRow > 0) rowByRow--;
        const ms = performance.now() - batchStarted;
        // Only batches of the size asked tell how evenly they run (a row-by-row retry, a batch cut to the budget are not)
        if (outcome.wrote && asked === size) pace.record(asked, ms);
        size = nextBatchSize(size, ms, { ...bounds, aimMs: pace.aimMs() });
        if (!outcome.cursor) return await end("completed");
        if (opts.batchDelayMs) await sleep(opts.batchDelayMs, opts.signal);
      } catch (err) {
        settle = true;
        position = null;
        const kind = isTargetError(err) ? err.kind : null;
        const message = (err as Error)?.message ?? String(err);
        if (kind === "unreachable" || kind === "timeout" || kind === "locked") {
          if (++transientFailures > TRANSIENT_RETRIES) return await end("failed", `gave up after ${TRANSIENT_RETRIES} retries: ${message}`);
          if (kind === "timeout") size = halveBatch(size, { min: MIN_BATCH });
          opts.log?.(`cleanup ${jobId}: ${kind}, retrying (${transientFailures}/${TRANSIENT_RETRIES}): ${message}`);
          await sleep(Math.min(30_000, 500 * 2 ** transientFailures), opts.signal);
          continue;
        }
        if (rowByRow === 0 && size > 1) {
          // Find the row that fails: the same stretch again, one row at a time.
          rowByRow = size;
          continue;
        }
        if (rowByRow > 0) {
          // A row failing alone gets two more tries (the cause may pass) and is then reported and passed over.
          if (++rowFailures <= 2) {
            await new Promise((r) => setTimeout(r, 1000 * rowFailures));
            continue;
          }
          rowFailures = 0;
          await skipFailedRow(store, plan, jobId, cursor, message);
          rowByRow--;
          continue;
        }
        return await end("failed", message);
      }
    }
  } catch (err) {
    return await end("failed", (err as Error)?.message ?? String(err));
  } finally {
    stopHeartbeat();
    await throttle.close();
    await pool.close();
  }
}

/** A stretch with nothing to change still moves the job on (and counts what was examined and skipped). */
async function recordWalk(store: Store, jobId: string, counts: ReturnType<typeof zeroCounts>, cursor: unknown[] | null) {
  await store.prisma.cleanupJob.update({
    where: { id: jobId },
    data: { ...increments(counts), batches: { increment: 1 }, cursor: cursor ? cursor.map(String) : [], heartbeatAt: new Date() },
  });
}

/** The row after `cursor` failed on its own: report it and pass over it. */
async function skipFailedRow(store: Store, plan: CleanupPlan, jobId: string, cursor: unknown[] | null, reason: string) {
  const { rows } = await nextCandidates(plan, cursor, 1);
  const pk = rows[0]?.pk ?? null;
  await store.prisma.cleanupJob.update({
    where: { id: jobId },
    data: {
      failed: { increment: 1n },
      cursor: pk ? pk.map(String) : [],
      error: `row ${pk ? JSON.stringify(pk.map(String)) : "?"} failed: ${reason}`.slice(0, 1000),
    },
  });
}
