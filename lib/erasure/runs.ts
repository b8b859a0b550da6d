import { randomUUID } from "node:crypto";
import type { Store } from "../store/client";

/** Serialises "verify all" requests, so pressing it twice queues one run. */
const RUN_LOCK = 7311;

export interface RunStatus {
  id: string;
  status: "queued" | "running" | "completed" | "failed";
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

/** Queues a bulk verification, or returns the one already queued or running. */
export async function requestRun(store: Store, requestedBy: string): Promise<{ id: string; created: boolean }> {
  return store.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${RUN_LOCK})`;
    const pending = await tx.erasureRun.findFirst({ where: { status: { in: ["queued", "running"] } }, orderBy: { createdAt: "desc" } });
    if (pending) return { id: pending.id, created: false };
    const run = await tx.erasureRun.create({ data: { trigger: "manual", status: "queued", requestedBy } });
    return { id: run.id, created: true };
  });
}

/** Claims a queued (or failed, on retry) run; false when another worker has it or it is done. */
export async function claimRun(store: Store, id: string): Promise<boolean> {
  const n = await store.prisma.$executeRaw`
    UPDATE erasure_runs SET status = 'running', started_at = now(), error = NULL
    WHERE id = ${id}::uuid AND status IN ('queued', 'failed')`;
  return n === 1;
}

/** Claims a nightly slot: the first worker creates its run; any other finds it taken. */
export async function claimScheduledRun(store: Store, slot: string): Promise<string | null> {
  const rows = await store.prisma.$queryRaw<{ id: string }[]>`
    INSERT INTO erasure_runs (id, trigger, slot, status, started_at)
    VALUES (${randomUUID()}::uuid, 'schedule', ${slot}, 'running', now())
    ON CONFLICT (slot) DO UPDATE SET status = 'running', started_at = now(), error = NULL WHERE erasure_runs.status = 'failed'
    RETURNING id::text AS id`;
  return rows[0]?.id ?? null;
}

export async function runStatus(store: Store, id: string): Promise<RunStatus | null> {
  const r = await store.prisma.erasureRun.findUnique({ where: { id } });
  if (!r) return null;
  return {
    id: r.id,
    status: r.status as RunStatus["status"],
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

/** The run a page should follow: the newest one still queued or running. */
export async function activeRun(store: Store): Promise<string | null> {
  return (await store.prisma.erasureRun.findFirst({ where: { status: { in: ["queued", "running"] } }, orderBy: { createdAt: "desc" }, select: { id: true } }))?.id ?? null;
}
