import { randomUUID } from "node:crypto";
import type { ErasureRunStatus } from "../../generated/prisma/enums";
import { aliveWhere, claim, isSilent, staleBefore, type JobModel } from "../jobs/lifecycle";
import type { Store } from "../store/client";

/**
 * Serialises "verify all" requests, so pressing it twice queues one run. Its own advisory
 * key, in the two-int key space (apart from the one-bigint keys 7307 sweeps and 7310 the
 * evidence chain take): it was 7311, the audit chain trigger's key, so a run request waited
 * for every open audit insert. The audit trigger now takes ('custodian', 'custodian.audit_chain').
 */
const RUN_LOCK_NAME = "custodian.erasure_run";
/** A running run not heard of for this long was abandoned (its worker died): it may be taken over or replaced. */
export const ABANDONED_AFTER_MS = 10 * 60_000;

/** Erasure runs in the one job lifecycle (lib/jobs/lifecycle.ts); their heartbeat is their progress, one write per request. */
export const erasureRuns: JobModel<ErasureRunStatus> = {
  noun: "run",
  missing: "no such erasure run",
  rows: (store) => store.prisma.erasureRun,
  active: ["queued", "running"],
  staleMs: ABANDONED_AFTER_MS,
};

export interface RunStatus {
  id: string;
  status: ErasureRunStatus | "abandoned";
  trigger: string;
  total: number | null;
  done: number;
  complete: number;
  incomplete: number;
  failed: number;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
}

/** Queues a bulk verification, or returns the one already queued or running (an abandoned one is not). */
export async function requestRun(store: Store, requestedBy: string): Promise<{ id: string; created: boolean }> {
  return store.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('custodian'), hashtext(${RUN_LOCK_NAME}))`;
    const pending = await tx.erasureRun.findFirst({
      where: aliveWhere(erasureRuns),
      orderBy: { createdAt: "desc" },
    });
    if (pending) return { id: pending.id, created: false };
    const run = await tx.erasureRun.create({ data: { trigger: "manual", status: "queued", requestedBy } });
    return { id: run.id, created: true };
  });
}

/** Claims a queued run, or a failed or abandoned one (a retry); false when another worker has it or it is done. */
export const claimRun = (store: Store, id: string, now = new Date()) =>
  claim(store, erasureRuns, id, { free: ["queued", "failed"], silent: ["running"], restart: true }, now);

/** Claims a nightly slot: the first worker creates its run; any other finds it taken, unless it failed or was abandoned. */
export async function claimScheduledRun(store: Store, slot: string, now = new Date()): Promise<string | null> {
  const rows = await store.prisma.$queryRaw<{ id: string }[]>`
    INSERT INTO erasure_runs (id, trigger, slot, status, started_at, heartbeat_at)
    VALUES (${randomUUID()}::uuid, 'schedule', ${slot}, 'running', ${now}, ${now})
    ON CONFLICT (slot) DO UPDATE SET status = 'running', started_at = ${now}, heartbeat_at = ${now}, error = NULL
      WHERE erasure_runs.status = 'failed' OR (erasure_runs.status = 'running' AND erasure_runs.heartbeat_at < ${staleBefore(erasureRuns, now.getTime())})
    RETURNING id::text AS id`;
  return rows[0]?.id ?? null;
}

export async function runStatus(store: Store, id: string): Promise<RunStatus | null> {
  const r = await store.prisma.erasureRun.findUnique({ where: { id } });
  if (!r) return null;
  return {
    id: r.id,
    status: isSilent(erasureRuns, r) ? "abandoned" : r.status,
    trigger: r.trigger,
    total: r.total,
    done: r.done,
    complete: r.complete,
    incomplete: r.incomplete,
    failed: r.failed,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    error: r.error,
  };
}

/** The run a page should follow: the newest one queued, or running and alive. */
export async function activeRun(store: Store): Promise<string | null> {
  const run = await store.prisma.erasureRun.findFirst({
    where: aliveWhere(erasureRuns),
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  return run?.id ?? null;
}
