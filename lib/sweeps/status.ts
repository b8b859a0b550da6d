import type { SweepStatus as SweepState } from "../../generated/prisma/enums";
import type { Store } from "../store/client";
import { isSilent } from "../jobs/lifecycle";
import { sweeps } from "./claim";

export interface SweepStatus {
  id: string;
  status: SweepState | "abandoned";
  trigger: string;
  done: number;
  total: number | null;
  startedAt: string;
  finishedAt: string | null;
  failedRelations: number;
  error: string | null;
  /** What a running sweep does after its counts (recording sightings), or null. */
  activity: string | null;
}

/** What a page shows of a sweep in progress (a running sweep whose worker went silent is "abandoned"). */
export async function sweepStatus(store: Store, id: string): Promise<SweepStatus | null> {
  const s = await store.prisma.sweep.findUnique({ where: { id } });
  if (!s) return null;
  return {
    id: s.id,
    status: isSilent(sweeps, s) ? "abandoned" : s.status,
    trigger: s.trigger,
    done: s.done,
    total: s.total,
    startedAt: s.startedAt.toISOString(),
    finishedAt: s.finishedAt?.toISOString() ?? null,
    failedRelations: s.failed,
    error: s.error,
    activity: s.activity,
  };
}

/**
 * The sweep under way while no sweep has ever completed (the first one, at the first start):
 * pages that need figures show its progress instead of empty numbers. Null once one completed.
 */
export async function firstSweepRunning(store: Store): Promise<SweepStatus | null> {
  const completed = await store.prisma.sweep.findFirst({ where: { status: "completed" }, select: { id: true } });
  if (completed) return null;
  const running = await store.prisma.sweep.findFirst({
    where: { status: { in: ["queued", "running"] } },
    orderBy: { startedAt: "desc" },
    select: { id: true },
  });
  return running ? sweepStatus(store, running.id) : null;
}
