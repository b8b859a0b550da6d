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
import { sightingKey } from "../sightings/record";
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
  const graceDays = relation.config?.cleanup?.graceDays ?? config.cleanup.graceDays;
  const [points, alerts, allowlist, jobs] = await Promise.all([
    orphanSeries(store, range, [name]),
    activeAlerts(store),
    allowlistOf(store, name, relation),
    cleanupsOf(store, name),
  ]);
  return {
    graceDays,
    keyStates: await orphanKeyStates(store, name, allowlist, graceDays),
    scan,
    relation,
    points,
    alerts: alerts.filter((a) => isRelationAlert(a) && a.relation === name),
    thresholds: thresholdsFor(config, name),
    allowlist,
    jobs,
  };
}

/** Whether a relation of this name has been scanned (its page exists): one index probe. */
export async function relationExists(store: Store, name: string): Promise<boolean> {
  return (await store.prisma.scan.findFirst({ where: { relation: name }, select: { id: true } })) != null;
}

/** The relation's open orphan keys by what a cleanup would do with them now. */
export interface OrphanKeyStates {
  /** Every open orphan key (as the latest sweep saw them). */
  open: number;
  eligible: number;
  inGrace: number;
  allowlisted: number;
}

/**
 * The summary's eligible / in grace / allowlisted, from the store alone (the sightings the
 * sweeps recorded and the allowlist), so the top of the page never waits for a target. The
 * cleanup's own preview counts rows against the live target; these count keys.
 */
async function orphanKeyStates(store: Store, name: string, allowlist: AllowlistEntryView[], graceDays: number, now = new Date()): Promise<OrphanKeyStates> {
  const allowed = [...new Set(allowlist.filter((a) => !a.expired).map((a) => sightingKey(a.key)))];
  const cutoff = new Date(now.getTime() - graceDays * 86_400_000);
  const open = { relation: name, open: true };
  const [all, allowlisted, young] = await Promise.all([
    store.prisma.orphanSighting.count({ where: open }),
    allowed.length ? store.prisma.orphanSighting.count({ where: { ...open, key: { in: allowed } } }) : 0,
    graceDays > 0
      ? store.prisma.orphanSighting.count({ where: { ...open, firstSeen: { gt: cutoff }, ...(allowed.length ? { key: { notIn: allowed } } : {}) } })
      : 0,
  ]);
  return { open: all, allowlisted, inGrace: young, eligible: all - allowlisted - young };
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
