import type { Config } from "../config/types";
import { sweep, type SweepOptions, type SweepResult } from "../detect/sweep";
import { startHeartbeat } from "../jobs/lifecycle";
import type { Store } from "../store/client";
import { configHash, knownDeclaredRelations, storeScans } from "../store/scans";
import { evaluateAlerts } from "../alerts/evaluate";
import { recordSightings, type SightingsProgress } from "../sightings/record";
import { storeBacklog } from "../softdelete/stored-backlog";
import { sweeps } from "./claim";
import { storeSuggestions } from "./suggestions";
import { logFailure } from "../errors/logged";
import { TargetPool } from "../targets/pool";

const PROGRESS_EVERY_MS = 500;

export interface SweepRunHooks extends Pick<SweepOptions, "only" | "onResult"> {
  /**
   * The sweep's time (default: the clock): its scans, sightings, backlog ages and alerts are
   * recorded as of it, its finish that much later as the work took. The demo replays a month of
   * sweeps at their past times with it.
   */
  now?: Date;
  /** Targets already open, used by every step and left open (the demo's replay keeps one pool for its month). */
  pool?: TargetPool;
  /** false: the suggestions are not computed again (the demo's past days: only today's are shown). */
  suggestions?: boolean;
  log?: (line: string) => void;
  /** Called as sightings are recorded (the CLI prints it on stderr). */
  onSightings?: (p: SightingsProgress) => void;
  /** Measure the soft-delete backlog on a sweep of only some relations too (a refresh after an action: lib/sweeps/refresh.ts). */
  backlog?: boolean;
}

/** Sweeps at once in this process (at start, from the CLI): the sweep is recorded like a queued one. */
export async function sweepNow(store: Store, config: Config, trigger: string, hooks: SweepRunHooks = {}): Promise<{ sweepId: string; result: SweepResult }> {
  const now = hooks.now ?? new Date();
  const { id } = await store.prisma.sweep.create({
    data: { trigger, status: "running", startedAt: now, heartbeatAt: now, configHash: configHash(config.file) },
  });
  return { sweepId: id, result: await runClaimedSweep(store, config, id, hooks) };
}

/**
 * Runs a claimed sweep in this process: scans every relation, reporting progress and a
 * heartbeat on the sweep row as relations finish, then does what follows the counts
 * (`completeCounted`). A failure marks the sweep failed (and is thrown, so the job is retried).
 */
export async function runClaimedSweep(store: Store, config: Config, sweepId: string, hooks: SweepRunHooks = {}): Promise<SweepResult> {
  const progress = sweepProgress(store, sweepId);
  // alive while a big relation is scanned too, not only as relations finish
  const stopHeartbeat = startHeartbeat(store, sweeps, sweepId);
  // the sweep's clock: its own time plus the time the work has taken
  const started = Date.now();
  const clock = () => (hooks.now ? new Date(hooks.now.getTime() + (Date.now() - started)) : new Date());
  // One set of targets for the whole sweep, its counts and what follows them (sightings,
  // suggestions, backlog): an embedded target costs seconds to open, and was opened twice.
  const primary = hooks.pool ?? new TargetPool(config.targets);
  // Counts read a replica where the target has one (as sweep() does with a pool of its own).
  const reads = hooks.pool ?? new TargetPool(config.targets, { use: "reads", primary });
  try {
    const result = await sweep(config, {
      now: hooks.now,
      pool: reads,
      only: hooks.only,
      known: await knownDeclaredRelations(store),
      onStart: (total) => progress.write({ done: 0, total }, true),
      onResult: (r, done, total) => {
        progress.write({ done, total }, done === total);
        hooks.onResult?.(r, done, total);
      },
    });
    await progress.flushed();
    await completeCounted(store, config, sweepId, result, { ...hooks, pool: primary, all: !hooks.only?.length, clock }, progress);
    return result;
  } catch (err) {
    await progress.flushed();
    await markSweepFailed(store, sweepId, err, clock());
    throw err;
  } finally {
    stopHeartbeat();
    // the caller's pool stays open for the caller
    if (!hooks.pool) await Promise.all([reads.close(), primary.close()]);
  }
}

/**
 * What follows a sweep's counts, wherever they were made (in this process, or by the
 * queue's workers part by part): stores the scans (the counts are safe from here on),
 * records the orphan sightings (progress on the sweep's `activity`; a relation whose
 * sightings fail keeps its count, the error stored beside it), the suggestions and the
 * backlog (for a sweep of every relation), the alerts, and marks the sweep completed.
 */
export async function completeCounted(
  store: Store,
  config: Config,
  sweepId: string,
  result: SweepResult,
  hooks: Pick<SweepRunHooks, "log" | "onSightings" | "now" | "pool" | "suggestions" | "backlog"> & { all: boolean; clock?: () => Date },
  progress = sweepProgress(store, sweepId),
): Promise<void> {
  const { pool } = hooks;
  const clock = hooks.clock ?? (() => new Date());
  await storeScans(store, sweepId, result);
  const sightings = await recordSightings(store, config, result, {
    sweepId,
    pool,
    onProgress: (p) => {
      progress.write({ activity: describeProgress(p) });
      hooks.onSightings?.(p);
    },
  });
  await progress.flushed();
  for (const s of sightings) if (s.error) hooks.log?.(`sightings of ${s.relation}: ${s.error}`);
  // Suggestions read catalogs only; an unreadable one leaves the last known suggestions in place.
  if (hooks.all && hooks.suggestions !== false)
    await storeSuggestions(store, config, sweepId, result, pool).catch((err) => hooks.log?.(`suggestions: ${(err as Error).message}`));
  if (hooks.all || hooks.backlog)
    await storeBacklog(store, config, sweepId, { now: hooks.now && clock(), pool }).catch((err) =>
      hooks.log?.(`soft-delete backlog: ${(err as Error).message}`),
    );
  // After the backlog: its pending counts are alerted on too.
  await evaluateAlerts(store, config, { now: clock(), log: hooks.log });
  await store.prisma.sweep.update({ where: { id: sweepId }, data: { status: "completed", finishedAt: clock(), activity: null } });
}

/** Marks a sweep failed with the reason (a failure to say so is logged: the sweep's own error is what is thrown). */
export async function markSweepFailed(store: Store, sweepId: string, err: unknown, at = new Date()): Promise<void> {
  await store.prisma.sweep
    .update({ where: { id: sweepId }, data: { status: "failed", finishedAt: at, activity: null, error: (err as Error)?.message ?? String(err) } })
    .catch(logFailure("sweeps", `marking sweep ${sweepId} failed`));
}

/** The sweep row's progress and heartbeat, written at most every PROGRESS_EVERY_MS (or when forced), in order. */
export function sweepProgress(store: Store, sweepId: string) {
  let lastWrite = 0;
  let writes = Promise.resolve();
  return {
    write(data: { done?: number; total?: number; activity?: string | null }, force = false) {
      const now = Date.now();
      if (!force && now - lastWrite < PROGRESS_EVERY_MS) return;
      lastWrite = now;
      writes = writes.then(() =>
        store.prisma.sweep.update({ where: { id: sweepId }, data: { ...data, heartbeatAt: new Date() } }).then(
          () => undefined,
          () => undefined, // progress is advisory; the sweep's result is what matters
        ),
      );
    },
    flushed: () => writes,
  };
}

/** A sweep's activity while it records sightings, as the progress line shows it. */
export function describeProgress(p: SightingsProgress): string {
  const n = p.done.toLocaleString("en-US");
  return p.phase === "staging" ? `recording orphan sightings of ${p.relation}: ${n} keys` : `closing gone orphan sightings of ${p.relation}: ${n} compared`;
}
