import { randomUUID } from "node:crypto";
import type { SweepStatus } from "../../generated/prisma/enums";
import { aliveWhere, claim, staleBefore, type JobModel } from "../jobs/lifecycle";
import type { Store } from "../store/client";

/** A running sweep whose worker has not been heard of for this long was abandoned (the worker died). */
export const ABANDONED_AFTER_MS = 10 * 60_000;

/** Sweeps in the one job lifecycle (lib/jobs/lifecycle.ts); their heartbeat is their progress, written as relations finish. */
export const sweeps: JobModel<SweepStatus> = {
  noun: "sweep",
  missing: "no such sweep",
  rows: (store) => store.prisma.sweep,
  active: ["queued", "running"],
  staleMs: ABANDONED_AFTER_MS,
};

/**
 * Claims a scheduled slot: the first worker creates the slot's sweep; any other worker, or
 * the same job retried after a restart, finds it taken and does nothing, unless the sweep
 * was abandoned mid-way (its heartbeat stopped) or failed, which it then takes over.
 * The unique slot makes this hold across processes and machines.
 */
export async function claimScheduledSweep(store: Store, slot: string, configHash: string, now = new Date()): Promise<string | null> {
  const stale = staleBefore(sweeps, now.getTime());
  const rows = await store.prisma.$queryRaw<{ id: string }[]>`
    INSERT INTO sweeps (id, trigger, slot, status, started_at, heartbeat_at, config_hash)
    VALUES (${randomUUID()}::uuid, 'schedule', ${slot}, 'running', ${now}, ${now}, ${configHash})
    ON CONFLICT (slot) DO UPDATE SET status = 'running', started_at = ${now}, heartbeat_at = ${now}, done = 0, error = NULL
      WHERE sweeps.status = 'failed' OR (sweeps.status = 'running' AND sweeps.heartbeat_at < ${stale})
    RETURNING id::text AS id`;
  return rows[0]?.id ?? null;
}

/** Claims a sweep someone asked for ("Scan now"): queued, failed, or abandoned by a dead worker. */
export const claimRequestedSweep = (store: Store, sweepId: string, now = new Date()) =>
  claim(store, sweeps, sweepId, { free: ["queued", "failed"], silent: ["running"], restart: true, reset: { done: 0 } }, now);

/**
 * Queues a requested sweep, or returns the one already queued or running: one at a time,
 * however many people press "Scan now".
 */
export async function requestSweep(store: Store, opts: { requestedBy: string; configHash: string }): Promise<{ id: string; created: boolean }> {
  return store.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7307)`;
    const pending = await tx.sweep.findFirst({
      where: { trigger: "manual", ...aliveWhere(sweeps) },
      orderBy: { startedAt: "desc" },
    });
    if (pending) return { id: pending.id, created: false };
    const created = await tx.sweep.create({
      data: { trigger: "manual", status: "queued", requestedBy: opts.requestedBy, configHash: opts.configHash },
    });
    return { id: created.id, created: true };
  });
}
