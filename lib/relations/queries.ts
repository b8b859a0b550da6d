/**
 * What a relation's page reads from the store: its latest scan, its chart, its alerts, its
 * allowlist and its latest cleanups. Nothing here opens a live target (the page's preview does).
 */
import { isRelationAlert } from "../alerts/describe";
import { activeAlerts, thresholdsFor } from "../alerts/evaluate";
import type { Config } from "../config/types";
import { latestScanOf, relationOf } from "../dashboard/relation";
import { orphanSeries, type Range } from "../dashboard/series";
import { cleanupsOf } from "../jobs/queries";
import type { Store } from "../store/client";
import type { Relation } from "./types";

/** An allowlist entry as the page lists it: from the config (read-only) or added in the console. */
export interface AllowlistEntryView {
  id: string | null;
  key: string[];
  reason: string;
  until: string;
  source: "config" | "console";
  expired: boolean;
}

export async function relationPage(store: Store, config: Config, name: string, range: Range) {
  const scan = await latestScanOf(store, name);
  if (!scan) return null;
  const relation = relationOf(scan, config);
  const [points, alerts, allowlist, jobs] = await Promise.all([
    orphanSeries(store, range, [name]),
    activeAlerts(store),
    allowlistOf(store, name, relation),
    cleanupsOf(store, name),
  ]);
  return {
    scan,
    relation,
    points,
    alerts: alerts.filter((a) => isRelationAlert(a) && a.relation === name),
    thresholds: thresholdsFor(config, name),
    allowlist,
    jobs,
  };
}

/** The relation's allowlist: the config's entries first, then the console's, newest first. */
async function allowlistOf(store: Store, name: string, relation: Relation, now = new Date()): Promise<AllowlistEntryView[]> {
  const stored = await store.prisma.allowlistEntry.findMany({ where: { relation: name, removedAt: null }, orderBy: { createdAt: "desc" } });
  return [
    ...(relation.config?.allow ?? []).map((a) => {
      const until = new Date(a.until);
      return { id: null, key: a.key.map(String), reason: a.reason, until: until.toISOString().slice(0, 10), source: "config" as const, expired: until <= now };
    }),
    ...stored.map((e) => ({
      id: String(e.id),
      key: JSON.parse(e.key) as string[],
      reason: e.reason,
      until: e.until.toISOString().slice(0, 10),
      source: "console" as const,
      expired: e.until <= now,
    })),
  ];
}
