import type { PgBoss } from "pg-boss";
import { z } from "zod";
import { scanBounds, scanRelation, type ScanResult } from "../detect/scan";
import { interruptible, jobLog, type WorkerDeps } from "../jobs/context";
import { enqueue, type JobDefinition } from "../jobs/definition";
import { abandonedIds, release, startHeartbeat, staleBefore } from "../jobs/lifecycle";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { sweeps } from "./claim";
import { claimPart, landPart, MAX_PART_ATTEMPTS, PART_STALE_MS, partsProgress, partsResult, sweepParts, workerName, type PartRef } from "./parts";
import { completeCounted, markSweepFailed } from "./run";

const partSchema = z.object({ sweepId: z.uuid(), partId: z.uuid() });
const finishSchema = z.object({ sweepId: z.uuid() });

/**
 * Counts one part of a sweep (one relation) in whichever worker takes it. The part's row
 * decides who runs it (a duplicate job, or one sent again by the reaper, finds it taken or
 * landed and does nothing). The worker that lands the last part sends the sweep's finish.
 */
export async function handleSweepPart(deps: WorkerDeps & { boss: PgBoss }, data: PartRef): Promise<{ landed?: boolean; skipped?: string }> {
  const { store } = deps;
  const worker = workerName();
  const part = await claimPart(store, data.partId, worker);
  if (!part) return { skipped: "landed, or another worker has it" };
  const stopPartBeat = startHeartbeat(store, sweepParts, data.partId);
  const stopSweepBeat = startHeartbeat(store, sweeps, data.sweepId);
  let landed: boolean;
  try {
    landed = await interruptible(
      deps,
      `sweep part ${data.partId}`,
      () => release(store, sweepParts, data.partId),
      async () => {
        if (part.attempts > MAX_PART_ATTEMPTS) {
          const gaveUp = `given up after ${MAX_PART_ATTEMPTS} attempts: the worker counting it stopped each time`;
          jobLog(deps, { job: "sweep-part", jobId: data.partId })(`${part.relation.name}: ${gaveUp}`);
          return landPart(store, data.partId, worker, failedCount(part.relation, gaveUp), "failed");
        }
        const sweep = await store.prisma.sweep.findUniqueOrThrow({ where: { id: data.sweepId }, select: { startedAt: true } });
        const config = deps.config();
        const pool = new TargetPool(config.targets);
        try {
          const scan = await scanRelation(part.relation, pool, sweep.startedAt, {
            range: part.range ?? undefined,
            bounds: scanBounds(config.targets),
            // a range holds about chunkRows rows: where a split after a timeout cuts it
            rows: part.range ? config.sweep.chunkRows : undefined,
          });
          return landPart(store, data.partId, worker, scan);
        } finally {
          await pool.close();
        }
      },
    );
  } finally {
    stopPartBeat();
    stopSweepBeat();
  }
  const { landed: n, total } = await partsProgress(store, data.sweepId);
  if (n === total) await enqueue(deps.boss, sweepFinishJob, { sweepId: data.sweepId });
  return { landed };
}

function failedCount(relation: ScanResult["relation"], error: string): ScanResult {
  return { relation, orphans: null, childRows: null, durationMs: 0, scannedAt: new Date(), error, errorKind: "query_failed" };
}

/**
 * Completes a sweep whose parts have all landed: the scans, sightings, suggestions, backlog
 * and alerts, as an in-process sweep does after its counts. One finisher at a time: it
 * takes the sweep by setting its activity (a second finish job finds it taken, unless the
 * first one's worker died: its heartbeat then goes stale and the finish runs again).
 */
export async function finishSweep(deps: WorkerDeps, sweepId: string): Promise<{ completed?: boolean; skipped?: string }> {
  const { store } = deps;
  const result = await partsResult(store, sweepId);
  if (!result) return { skipped: "parts still running" };
  const taken = await store.prisma.sweep.updateMany({
    where: {
      id: sweepId,
      OR: [{ status: "failed" }, { status: "running", OR: [{ activity: null }, { heartbeatAt: { lt: staleBefore(sweeps) } }] }],
    },
    data: { status: "running", activity: "completing the counts", heartbeatAt: new Date(), error: null },
  });
  if (taken.count !== 1) return { skipped: "completed, or another worker completes it" };
  const sweep = await store.prisma.sweep.findUniqueOrThrow({ where: { id: sweepId }, select: { only: true } });
  const stopBeat = startHeartbeat(store, sweeps, sweepId);
  try {
    await completeCounted(store, deps.config(), sweepId, result, { log: jobLog(deps, { job: "sweep", jobId: sweepId }), all: sweep.only == null });
    return { completed: true };
  } catch (err) {
    // the counts stay in the parts: the queue's retry (or the next scheduled claim) completes it again
    await markSweepFailed(store, sweepId, err);
    throw err;
  } finally {
    stopBeat();
  }
}

/** One relation's count in a sweep, run by any worker (lib/sweeps/parts.ts). */
export const sweepPartJob: JobDefinition<PartRef> = {
  queue: "custodian.sweep-part",
  schema: partSchema,
  // pg-boss's heartbeat is the part's: a worker killed mid-part has the job retried, and the retry finds the part's row as stale
  queueOptions: {
    retryLimit: MAX_PART_ATTEMPTS + 2,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 6 * 3600,
    heartbeatSeconds: PART_STALE_MS / 1000,
    notify: true,
  },
  localConcurrency: 2,
  // parts come in runs: a worker done with one takes the next at once, not at its next poll
  backToBack: true,
  handle: (data, run) => handleSweepPart(run, data),
  abandoned: async (store: Store) => {
    const ids = await abandonedIds(store, sweepParts, ["running"]);
    const parts = await store.prisma.sweepPart.findMany({ where: { id: { in: ids } }, select: { id: true, sweepId: true } });
    return parts.map((p) => ({ sweepId: p.sweepId, partId: p.id }));
  },
};

/** A sweep's completion once its last part landed. */
export const sweepFinishJob: JobDefinition<{ sweepId: string }> = {
  queue: "custodian.sweep-finish",
  schema: finishSchema,
  queueOptions: { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600, heartbeatSeconds: 600, notify: true },
  sendOptions: (data) => ({ singletonKey: `finish:${data.sweepId}` }),
  handle: (data, run) => finishSweep(run, data.sweepId),
};

/** Sends a sweep's pending parts (and its finish when none is pending). */
export async function sendParts(boss: PgBoss, sweepId: string, pending: PartRef[]): Promise<void> {
  if (!pending.length) return enqueue(boss, sweepFinishJob, { sweepId });
  for (const part of pending) await enqueue(boss, sweepPartJob, part);
}
