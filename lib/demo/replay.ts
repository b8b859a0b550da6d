import { sql } from "kysely";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { sweepNow } from "../sweeps/run";
import { TargetPool } from "../targets/pool";
import { changesOn, REWIND, type DemoChange } from "./history";

/** Days replayed before today: day 0 is this many days ago, today is the last day. */
export const REPLAY_DAYS = 30;

const DAY_MS = 86_400_000;

/** The sweeps' trigger, as the sweeps list shows it. */
export const REPLAY_TRIGGER = "demo history";

export interface ReplayResult {
  sweeps: number;
  ms: number;
}

/**
 * Gives a fresh demo its last month: the databases are put back as they were 30 days ago
 * (history.ts), then each day's changes are applied and a real sweep runs, recorded at that
 * day's time (scans, orphan sightings, the soft-delete backlog, alerts). The last day is
 * today: the databases end exactly as the builder wrote them. A store that has any sweep
 * keeps its own history: nothing is replayed. Should a day fail, the remaining days'
 * changes are still applied, so the databases never stay in the past.
 */
export async function replayDemoHistory(
  store: Store,
  config: Config,
  opts: { now?: Date; log?: (line: string) => void; onDay?: (day: number, sweepMs: number) => void } = {},
): Promise<ReplayResult | null> {
  if ((await store.prisma.sweep.count()) > 0) return null;
  const started = performance.now();
  const now = opts.now ?? new Date();
  const pool = new TargetPool(config.targets);
  // the last day whose changes are applied (-1: none yet)
  let applied = -1;
  try {
    await applyChanges(config, pool, REWIND);
    for (let day = 0; day <= REPLAY_DAYS; day++) {
      await applyChanges(config, pool, changesOn(day));
      applied = day;
      const t = performance.now();
      const at = new Date(now.getTime() - (REPLAY_DAYS - day) * DAY_MS);
      await sweepNow(store, config, REPLAY_TRIGGER, { now: at, pool, suggestions: day === REPLAY_DAYS });
      opts.onDay?.(day, performance.now() - t);
    }
  } finally {
    // a failed day still brings the databases to today
    for (let day = applied + 1; day <= REPLAY_DAYS; day++) await applyChanges(config, pool, changesOn(day));
    await pool.close();
  }
  const ms = Math.round(performance.now() - started);
  opts.log?.(`demo: replayed ${REPLAY_DAYS} days of history (${REPLAY_DAYS + 1} sweeps) in ${ms} ms`);
  return { sweeps: REPLAY_DAYS + 1, ms };
}

/** Runs changes on their targets, each change's statements in one transaction. */
async function applyChanges(config: Config, pool: TargetPool, changes: DemoChange[]): Promise<void> {
  for (const change of changes) {
    const target = await pool.get(change.target);
    // SQLite's pragma is a no-op inside a transaction: it is set around it, on the target's one connection
    const sqlite = config.targets[change.target]?.dialect === "sqlite";
    if (change.foreignKeysOff && sqlite) await target.query(sql`PRAGMA foreign_keys = OFF`);
    try {
      await target.transaction(60_000, async (tx) => {
        if (change.foreignKeysOff && !sqlite) await tx.execute(sql`SET LOCAL session_replication_role = replica`);
        for (const statement of change.statements) await tx.execute(sql.raw(statement));
      });
    } finally {
      if (change.foreignKeysOff && sqlite) await target.query(sql`PRAGMA foreign_keys = ON`);
    }
  }
}
