import type { Store } from "../store/client";

export const RANGES = { "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000, all: Number.POSITIVE_INFINITY } as const;
export type Range = keyof typeof RANGES;
export const isRange = (v: unknown): v is Range => typeof v === "string" && v in RANGES;

/** Points a chart shows at most: beyond it, the last sweep of each equal time bucket stands for the bucket. */
export const MAX_POINTS = 120;

export interface SeriesPoint {
  t: number;
  /** relation → orphans as of t (its latest successful scan at or before t) */
  values: Record<string, number>;
}

/**
 * Orphans over time, one point per completed sweep in the range (thinned to MAX_POINTS).
 * Each relation's value at a point is its latest successful scan at or before it: a
 * relation that failed to scan keeps its last known count instead of dropping to 0, and a
 * partial sweep does not make the others vanish. Cost: points × relations index probes,
 * whatever the number of stored scans.
 */
export async function orphanSeries(store: Store, range: Range, relations: string[], now = new Date(), maxPoints = MAX_POINTS): Promise<SeriesPoint[]> {
  if (!relations.length) return [];
  const from = range === "all" ? new Date(0) : new Date(now.getTime() - RANGES[range]);
  const sweeps = await store.prisma.$queryRaw<{ t: Date }[]>`
    SELECT finished_at AS t FROM sweeps
    WHERE status = 'completed' AND finished_at >= ${from} AND finished_at <= ${now}
    ORDER BY finished_at`;
  const times = thin(
    sweeps.map((s) => s.t.getTime()),
    maxPoints,
  );
  if (!times.length) return [];
  const rows = await store.prisma.$queryRaw<{ t: Date; relation: string; orphans: bigint }[]>`
    SELECT t.t, r.relation, s.orphans
    FROM unnest(${times.map((t) => new Date(t))}::timestamptz[]) AS t(t)
    CROSS JOIN unnest(${relations}::text[]) AS r(relation)
    CROSS JOIN LATERAL (
      SELECT orphans FROM scans
      WHERE relation = r.relation AND scanned_at <= t.t AND orphans IS NOT NULL
      ORDER BY scanned_at DESC LIMIT 1
    ) s`;
  const byTime = new Map<number, Record<string, number>>(times.map((t) => [t, {}]));
  for (const r of rows) byTime.get(r.t.getTime())![r.relation] = Number(r.orphans);
  return times.map((t) => ({ t, values: byTime.get(t)! }));
}

/** Keeps at most n of sorted times: the last of each of n equal spans (and always the newest). */
export function thin(times: number[], n: number): number[] {
  if (times.length <= n) return times;
  const first = times[0];
  const span = (times[times.length - 1] - first) / n || 1;
  const out: number[] = [];
  for (const t of times) {
    const bucket = Math.min(n - 1, Math.floor((t - first) / span));
    if (out.length && Math.min(n - 1, Math.floor((out[out.length - 1] - first) / span)) === bucket) out[out.length - 1] = t;
    else out.push(t);
  }
  return out;
}
