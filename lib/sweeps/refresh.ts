import { evaluateAlerts } from "../alerts/evaluate";
import type { Config } from "../config/types";
import { logFailure } from "../errors/logged";
import type { TouchedTargets } from "../jobs/context";
import { storeBacklog } from "../softdelete/stored-backlog";
import type { Store } from "../store/client";
import { configHash, latestScans, type LatestScan } from "../store/scans";
import { sweepNow } from "./run";

export type { TouchedTables, TouchedTargets } from "../jobs/context";

/** How a sweep made after an action is recorded (`lastSweep` does not count it as a sweep of the fleet). */
export const REFRESH_TRIGGER = "refresh";

const key = (target: string, schema: string | undefined, table: string) => `${target}\u0000${schema ?? ""}\u0000${table}`;

/**
 * The relations an action touched: the named ones, and every relation whose child or parent
 * is a touched table or lies below one (removing or putting back a row changes what
 * references it, transitively and across targets). From the stored scans: no catalog read.
 */
export function relationsTouched(scans: LatestScan[], touched: TouchedTargets): string[] {
  const names = new Set(touched.relations ?? []);
  const tables = new Set<string>();
  const anySchema = new Set<string>();
  const add = (t: { target: string; schema?: string; table: string }) => {
    tables.add(key(t.target, t.schema, t.table));
    if (!t.schema) anySchema.add(key(t.target, undefined, t.table));
  };
  const has = (target: string, schema: string, table: string) => tables.has(key(target, schema, table)) || anySchema.has(key(target, undefined, table));
  for (const t of touched.tables ?? []) add(t);
  for (const s of scans) if (names.has(s.relation)) add({ target: s.childTarget, schema: s.childSchema, table: s.childTable });
  // Down the tree: a relation whose parent is touched has its child touched too.
  for (let grew = true; grew;) {
    grew = false;
    for (const s of scans) {
      if (!has(s.parentTarget, s.parentSchema, s.parentTable) || has(s.childTarget, s.childSchema, s.childTable)) continue;
      add({ target: s.childTarget, schema: s.childSchema, table: s.childTable });
      grew = true;
    }
  }
  for (const s of scans) if (has(s.childTarget, s.childSchema, s.childTable) || has(s.parentTarget, s.parentSchema, s.parentTable)) names.add(s.relation);
  const known = new Set(scans.map((s) => s.relation));
  return [...names].filter((n) => known.has(n)).sort();
}

/**
 * Keeps the figures true after an action changed a target (a cleanup, an archive restore,
 * a purge, a support restore): rescans just the relations it touched (a sweep row with
 * their scans and sightings, as any sweep records them), measures the soft-delete backlog
 * again and re-evaluates the alerts, so the overview, the relation pages and the
 * soft-deletes page show the new values at once instead of after the next hourly sweep.
 * A failure is logged and never fails the action that already happened.
 */
export async function refreshAfter(
  store: Store,
  config: Config,
  touched: TouchedTargets,
  log: (line: string) => void = () => {},
): Promise<{ sweepId: string; relations: string[] } | null> {
  try {
    const relations = relationsTouched(await latestScans(store), touched);
    if (relations.length) {
      const { sweepId } = await sweepNow(store, config, REFRESH_TRIGGER, { only: relations, backlog: true, log });
      return { sweepId, relations };
    }
    // Nothing references what changed: only the backlog (and the alerts on it) can have moved.
    const now = new Date();
    const { id } = await store.prisma.sweep.create({
      data: { trigger: REFRESH_TRIGGER, status: "running", startedAt: now, heartbeatAt: now, configHash: configHash(config.file), relations: 0, total: 0 },
    });
    await storeBacklog(store, config, id).catch((err) => log(`soft-delete backlog: ${(err as Error).message}`));
    await evaluateAlerts(store, config, { log });
    await store.prisma.sweep.update({ where: { id }, data: { status: "completed", finishedAt: new Date() } });
    return { sweepId: id, relations };
  } catch (err) {
    await logFailure("sweeps", "refreshing the figures after an action")(err);
    log(`refreshing the figures after an action: ${(err as Error).message}`);
    return null;
  }
}
