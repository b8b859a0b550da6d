import type { Config } from "../config/types";
import { countsAt } from "../store/counts";
import type { Store } from "../store/client";
import { findSoftDeleteConfig, UnknownSoftDeleteTable } from "../softdelete/tables";
import { latestBacklog } from "../softdelete/stored-backlog";
import type { AlertKind } from "./describe";
import { notifyWebhook } from "./webhook";

const DAY_MS = 86_400_000;

export interface Thresholds {
  orphans: number;
  growthPerDay: number;
}

/** A relation's thresholds: its own (configured relations may set them), else the global ones. */
export function thresholdsFor(config: Config, relation: string): Thresholds {
  const own = config.relations.find((r) => r.name === relation)?.alerts;
  return { orphans: own?.orphans ?? config.alerts.orphans, growthPerDay: own?.growthPerDay ?? config.alerts.growthPerDay };
}

export interface AlertState {
  /** The relation's name; for a pending alert, the soft-delete table (`target.schema.table`). */
  relation: string;
  kind: AlertKind;
  threshold: number;
  value: number;
}

/**
 * What should be firing now, from stored scans: a count over its threshold, or growth per
 * day (now against a day ago; over a shorter history, scaled to a day) over its threshold;
 * and from the soft-delete backlog the latest sweep measured, a table whose rows past
 * grace outnumber its `pendingAlert` (a purge that stopped running, or runs too slowly).
 */
export async function alertsDue(store: Store, config: Config, now = new Date()): Promise<AlertState[]> {
  const [latest, dayAgo] = await Promise.all([countsAt(store, now), countsAt(store, new Date(now.getTime() - DAY_MS))]);
  const due: AlertState[] = [];
  for (const [relation, { orphans, scannedAt }] of latest) {
    const t = thresholdsFor(config, relation);
    if (orphans > t.orphans) due.push({ relation, kind: "count", threshold: t.orphans, value: orphans });
    const base = dayAgo.get(relation) ?? (await earliest(store, relation));
    if (!base) continue;
    const span = scannedAt.getTime() - base.scannedAt.getTime();
    if (span < 3600_000) continue; // under an hour of history says nothing about a day
    const perDay = (orphans - base.orphans) / (span / DAY_MS);
    if (perDay > t.growthPerDay) due.push({ relation, kind: "growth", threshold: t.growthPerDay, value: Math.round(perDay) });
  }
  due.push(...(await backlogDue(store, config)));
  return due;
}

/**
 * Soft-delete tables over their pending threshold, as measured by the latest sweep. A table
 * no longer configured is not alerted on; one whose gauge could not be read keeps the alert
 * it has (unknown is not "back under its threshold"), its error shown on the gauges page.
 */
async function backlogDue(store: Store, config: Config): Promise<AlertState[]> {
  if (config.softDelete.length === 0) return [];
  const backlog = await latestBacklog(store);
  const due: AlertState[] = [];
  for (const g of backlog?.gauges ?? []) {
    if (g.error) {
      const open = await store.prisma.alert.findFirst({ where: { relation: g.table, kind: "pending", resolvedAt: null } });
      if (open) due.push({ relation: g.table, kind: "pending", threshold: open.threshold, value: open.value });
      continue;
    }
    let entry;
    try {
      entry = findSoftDeleteConfig(config, g.table);
    } catch (err) {
      if (err instanceof UnknownSoftDeleteTable) continue;
      throw err;
    }
    if (g.pending > entry.pendingAlert) due.push({ relation: g.table, kind: "pending", threshold: entry.pendingAlert, value: g.pending });
  }
  return due;
}

async function earliest(store: Store, relation: string) {
  const row = await store.prisma.scan.findFirst({ where: { relation, orphans: { not: null } }, orderBy: { scannedAt: "asc" } });
  return row ? { orphans: Number(row.orphans), scannedAt: row.scannedAt } : undefined;
}

/**
 * Brings the stored alerts in line with what is due: new ones fire (and are sent to the
 * webhook once), ones no longer due resolve. Runs after every sweep.
 */
export async function evaluateAlerts(store: Store, config: Config, opts: { now?: Date; log?: (line: string) => void; fetch?: typeof fetch } = {}) {
  const now = opts.now ?? new Date();
  const due = await alertsDue(store, config, now);
  const open = await store.prisma.alert.findMany({ where: { resolvedAt: null } });
  const key = (a: { relation: string; kind: string }) => `${a.kind}\u0000${a.relation}`;
  const dueKeys = new Set(due.map(key));
  const openKeys = new Map(open.map((a) => [key(a), a]));
  const fired = [];
  for (const d of due) {
    const existing = openKeys.get(key(d));
    if (existing) {
      await store.prisma.alert.update({ where: { id: existing.id }, data: { value: d.value, threshold: d.threshold } });
      continue;
    }
    fired.push(await store.prisma.alert.create({ data: { ...d, firedAt: now } }));
  }
  const resolved = [];
  for (const a of open) {
    if (dueKeys.has(key(a))) continue;
    resolved.push(await store.prisma.alert.update({ where: { id: a.id }, data: { resolvedAt: now } }));
  }
  if (config.alerts.webhook) {
    for (const [event, alert] of [...fired.map((a) => ["fired", a] as const), ...resolved.map((a) => ["resolved", a] as const)]) {
      const error = await notifyWebhook(
        config.alerts.webhook,
        { event, relation: alert.relation, kind: alert.kind, threshold: alert.threshold, value: alert.value, at: now.toISOString() },
        opts.fetch,
      );
      await store.prisma.alert.update({ where: { id: alert.id }, data: error ? { notifyError: error } : { notifiedAt: new Date(), notifyError: null } });
      if (error) opts.log?.(`alert webhook failed: ${error}`);
    }
  }
  return { fired: fired.length, resolved: resolved.length };
}

export async function activeAlerts(store: Store) {
  return store.prisma.alert.findMany({ where: { resolvedAt: null }, orderBy: [{ kind: "asc" }, { value: "desc" }] });
}
