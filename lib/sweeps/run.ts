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

const PROGRESS_EVERY_MS = 500;

export interface SweepRunHooks extends Pick<SweepOptions, "only" | "onResult"> {
  log?: (line: string) => void;
  /** Called as sightings are recorded (the CLI prints it on stderr). */
  onSightings?: (p: SightingsProgress) => void;
  /** Measure the soft-delete backlog on a sweep of only some relations too (a refresh after an action: lib/sweeps/refresh.ts). */
  backlog?: boolean;
}

/** Sweeps at once in this process (at start, from the CLI): the sweep is recorded like a queued one. */
export async function sweepNow(store: Store, config: Config, trigger: string, hooks: SweepRunHooks = {}): Promise<{ sweepId: string; result: SweepResult }> {
  const now = new Date();
  const { id } = await store.prisma.sweep.create({
    data: { trigger, status: "running", startedAt: now, heartbeatAt: now, configHash: configHash(config.file) },
  });
  return { sweepId: id, result: await runClaimedSweep(store, config, id, hooks) };
}

/**
 * Runs a claimed sweep: scans every relation, reporting progress and a heartbeat on the
 * sweep row as relations finish, stores the scans (the counts are safe from here on), then
 * records the orphan sightings (progress and heartbeat on the sweep's `activity`; a
 * relation whose sightings fail keeps its count, the error stored beside it), the
 * suggestions, the backlog and the alerts, and marks the sweep completed. A failure
 * before that marks the sweep failed (and is thrown, so the job is retried).
 */
export async function runClaimedSweep(store: Store, config: Config, sweepId: string, hooks: SweepRunHooks = {}): Promise<SweepResult> {
  let lastWrite = 0;
  let writes = Promise.resolve();
  const write = (data: { done?: number; total?: number; activity?: string | null }, force = false) => {
    const now = Date.now();
    if (!force && now - lastWrite < PROGRESS_EVERY_MS) return;
    lastWrite = now;
    writes = writes.then(() =>
      store.prisma.sweep.update({ where: { id: sweepId }, data: { ...data, heartbeatAt: new Date() } }).then(
        () => undefined,
        () => undefined, // progress is advisory; the sweep's result is what matters
      ),
    );
  };
  // alive while a big relation is scanned too, not only as relations finish
  const stopHeartbeat = startHeartbeat(store, sweeps, sweepId);
  try {
    const result = await sweep(config, {
      only: hooks.only,
      known: await knownDeclaredRelations(store),
      onStart: (total) => write({ done: 0, total }, true),
      onResult: (r, done, total) => {
        write({ done, total }, done === total);
        hooks.onResult?.(r, done, total);
      },
    });
    await writes;
    await storeScans(store, sweepId, result);
    const sightings = await recordSightings(store, config, result, {
      sweepId,
      onProgress: (p) => {
        write({ activity: describeProgress(p) });
        hooks.onSightings?.(p);
      },
    });
    await writes;
    for (const s of sightings) if (s.error) hooks.log?.(`sightings of ${s.relation}: ${s.error}`);
    // Suggestions read catalogs only; an unreadable one leaves the last known suggestions in place.
    if (!hooks.only?.length) await storeSuggestions(store, config, sweepId, result).catch((err) => hooks.log?.(`suggestions: ${(err as Error).message}`));
    if (!hooks.only?.length || hooks.backlog)
      await storeBacklog(store, config, sweepId).catch((err) => hooks.log?.(`soft-delete backlog: ${(err as Error).message}`));
    // After the backlog: its pending counts are alerted on too.
    await evaluateAlerts(store, config, { log: hooks.log });
    await store.prisma.sweep.update({ where: { id: sweepId }, data: { status: "completed", finishedAt: new Date(), activity: null } });
    return result;
  } catch (err) {
    await writes;
    await store.prisma.sweep
      .update({ where: { id: sweepId }, data: { status: "failed", finishedAt: new Date(), activity: null, error: (err as Error)?.message ?? String(err) } })
      .catch(logFailure("sweeps", `marking sweep ${sweepId} failed`));
    throw err;
  } finally {
    stopHeartbeat();
  }
}

/** A sweep's activity while it records sightings, as the progress line shows it. */
export function describeProgress(p: SightingsProgress): string {
  const n = p.done.toLocaleString("en-US");
  return p.phase === "staging" ? `recording orphan sightings of ${p.relation}: ${n} keys` : `closing gone orphan sightings of ${p.relation}: ${n} compared`;
}
