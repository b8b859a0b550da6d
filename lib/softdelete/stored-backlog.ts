import type { Config } from "../config/types";
import { softDeleteGauges, type SoftDeleteGauge } from "./gauges";
import type { Store } from "../store/client";
import { withPool, type TargetPool } from "../targets/pool";

export interface BacklogSummary {
  gauges: SoftDeleteGauge[];
  deleted: number;
  pending: number;
  alerts: number;
  errors: number;
  measuredAt: string;
}

export function summarizeBacklog(gauges: SoftDeleteGauge[], measuredAt = new Date()): BacklogSummary {
  const ok = gauges.filter((g) => !g.error);
  return {
    gauges,
    deleted: ok.reduce((n, g) => n + g.deleted, 0),
    pending: ok.reduce((n, g) => n + g.pending, 0),
    alerts: ok.filter((g) => g.alert).length,
    errors: gauges.length - ok.length,
    measuredAt: measuredAt.toISOString(),
  };
}

/**
 * Each sweep measures the soft-delete backlog too (it is connected to the targets anyway)
 * and keeps it on the sweep, so the overview shows it without reading a live target.
 */
export async function storeBacklog(store: Store, config: Config, sweepId: string, opts: { now?: Date; pool?: TargetPool } = {}): Promise<void> {
  if (config.softDelete.length === 0) return;
  const now = opts.now ?? new Date();
  await withPool(config.targets, opts.pool, async (pool) => {
    const summary = summarizeBacklog(await softDeleteGauges(config, pool, now), now);
    await store.prisma.sweep.update({ where: { id: sweepId }, data: { backlog: JSON.parse(JSON.stringify(summary)) } });
  });
}

/** The backlog as the latest sweep that measured it saw it (null: never measured). */
export async function latestBacklog(store: Store): Promise<BacklogSummary | null> {
  const row = await store.prisma.sweep.findFirst({
    where: { status: "completed", backlog: { not: { equals: null } } },
    orderBy: { startedAt: "desc" },
    select: { backlog: true },
  });
  return (row?.backlog as BacklogSummary | null) ?? null;
}
