import type { Config } from "../config/types";
import { activeAlerts } from "../alerts/evaluate";
import { nextRun } from "../jobs/slots";
import type { Store } from "../store/client";
import { lastSweep, latestScans, type LatestScan } from "../store/scans";
import { countsAt } from "../store/counts";
import { orphanSeries, type Range, type SeriesPoint } from "./series";

const DAY = 86_400_000;
/** Relations drawn one by one in the stacked chart; the rest are summed as "other relations". */
export const CHART_TOP = 8;
export const OTHER = "other relations";

export interface Overview {
  scans: LatestScan[];
  total: number;
  /** Change of the total against a day and a week ago (null: no history that old). */
  delta24h: number | null;
  delta7d: number | null;
  withOrphans: number;
  failed: number;
  lastSweep: { startedAt: Date; finishedAt: Date | null } | null;
  nextSweep: Date | null;
  pending: { id: string; status: string } | null;
  alerts: Awaited<ReturnType<typeof activeAlerts>>;
  chart: { series: string[]; points: SeriesPoint[] };
}

/** Everything the overview shows, from the store alone: the overview never touches a live target. */
export async function loadOverview(store: Store, config: Config, range: Range, now = new Date()): Promise<Overview> {
  const [scans, dayAgo, weekAgo, sweep, alerts, pending] = await Promise.all([
    latestScans(store),
    countsAt(store, new Date(now.getTime() - DAY)),
    countsAt(store, new Date(now.getTime() - 7 * DAY)),
    lastSweep(store),
    activeAlerts(store),
    store.prisma.sweep.findFirst({ where: { status: { in: ["queued", "running"] } }, orderBy: { startedAt: "desc" }, select: { id: true, status: true } }),
  ]);
  const counted = scans.filter((s) => s.orphans != null);
  const total = counted.reduce((sum, s) => sum + Number(s.orphans), 0);
  const delta = (then: Map<string, { orphans: number }>) =>
    then.size === 0 ? null : total - counted.reduce((sum, s) => sum + (then.get(s.relation)?.orphans ?? 0), 0);

  const ranked = [...counted].sort((a, b) => Number(b.orphans) - Number(a.orphans)).filter((s) => Number(s.orphans) > 0);
  const top = ranked.slice(0, CHART_TOP).map((s) => s.relation);
  const rest = scans.map((s) => s.relation).filter((r) => !top.includes(r));
  const points = await orphanSeries(store, range, [...top, ...rest], now);
  const grouped = points.map((p) => {
    const values: Record<string, number> = {};
    for (const r of top) values[r] = p.values[r] ?? 0;
    const other = rest.reduce((sum, r) => sum + (p.values[r] ?? 0), 0);
    if (rest.length) values[OTHER] = other;
    return { t: p.t, values };
  });
  const series = [...top, ...(rest.length && grouped.some((p) => p.values[OTHER] > 0) ? [OTHER] : [])];

  return {
    scans,
    total,
    delta24h: delta(dayAgo),
    delta7d: delta(weekAgo),
    withOrphans: ranked.length,
    failed: scans.filter((s) => s.error).length,
    lastSweep: sweep ? { startedAt: sweep.startedAt, finishedAt: sweep.finishedAt } : null,
    nextSweep: safeNextRun(config.schedule.sweep, now),
    pending,
    alerts,
    chart: { series, points: grouped },
  };
}

function safeNextRun(cron: string, now: Date): Date | null {
  try {
    return nextRun(cron, now);
  } catch {
    return null;
  }
}
