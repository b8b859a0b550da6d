import { isRelationAlert } from "../alerts/describe";
import { activeAlerts } from "../alerts/evaluate";
import type { Suggestion } from "../relations/suggest";
import type { Store } from "../store/client";
import { latestScans, type LatestScan } from "../store/scans";
import { latestSuggestions } from "../sweeps/suggestions";
import { countsAt } from "../store/counts";
import { orphanSeries } from "./series";

export interface RelationRow extends LatestScan {
  /** Change against a day ago (null: no scan that old). */
  delta24h: number | null;
  /** The last 7 days, oldest first. */
  spark: number[];
  alerts: { kind: string; threshold: number; value: number }[];
}

const SPARK_POINTS = 28;

/** Every relation with its latest scan, daily change, a week's sparkline and its active alerts; from the store alone. */
export async function loadRelationRows(store: Store, now = new Date()): Promise<RelationRow[]> {
  const scans = await latestScans(store);
  const [dayAgo, alerts, series] = await Promise.all([
    countsAt(store, new Date(now.getTime() - 86_400_000)),
    activeAlerts(store),
    orphanSeries(
      store,
      "7d",
      scans.map((s) => s.relation),
      now,
      SPARK_POINTS,
    ),
  ]);
  return scans.map((s) => {
    const then = dayAgo.get(s.relation);
    return {
      ...s,
      delta24h: s.orphans == null || !then ? null : Number(s.orphans) - then.orphans,
      spark: series.map((p) => p.values[s.relation]).filter((v): v is number => v != null),
      alerts: alerts.filter((a) => isRelationAlert(a) && a.relation === s.relation).map((a) => ({ kind: a.kind, threshold: a.threshold, value: a.value })),
    };
  });
}

export async function loadSuggestions(store: Store): Promise<Suggestion[]> {
  return latestSuggestions(store);
}
