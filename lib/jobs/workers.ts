import type { PgBoss } from "pg-boss";
import { logFailure } from "../errors/logged";
import { refreshAfter } from "../sweeps/refresh";
import { HEARTBEAT_MS } from "./lifecycle";
import type { WorkerDeps } from "./context";
import { enqueue, type JobDefinition, type JobRun } from "./definition";
import { JOB_DEFINITIONS } from "./registry";

/** How often a worker looks for jobs whose worker died (their heartbeat stopped), to send them again. */
const REAP_EVERY_MS = 15_000;

/**
 * Registers every job kind on a started queue: its handler (the data parsed by the kind's
 * schema first), its schedule, and one reaper for all kinds that keep a heartbeat.
 * Returns the stop of the reaper.
 */
export async function startWorkers(boss: PgBoss, deps: WorkerDeps, defs: readonly JobDefinition<unknown>[] = JOB_DEFINITIONS): Promise<() => void> {
  const refresh: JobRun["refresh"] = (config, touched, log) => refreshAfter(deps.store, config, touched, log);
  for (const def of defs) {
    // pg-boss refreshes its heartbeat as often as the store's is written, so a retry never finds the store's row fresher than the queue's
    const heartbeatRefreshSeconds = def.queueOptions.heartbeatSeconds ? HEARTBEAT_MS / 1000 : undefined;
    await boss.work(
      def.queue,
      { pollingIntervalSeconds: 1, batchSize: 1, includeMetadata: true, heartbeatRefreshSeconds, localConcurrency: def.localConcurrency ?? 1 },
      async ([job]) => def.handle(def.schema.parse(job.data), { ...deps, boss, createdOn: job.createdOn, refresh }),
    );
    if (!def.schedule) continue;
    const cron = def.schedule.cron(deps.config());
    if (cron) await boss.schedule(def.queue, cron, def.schedule.data as object, { tz: "UTC" });
    // a schedule that cannot be removed is logged; it must not keep every other kind from starting
    else await boss.unschedule(def.queue).catch(logFailure("jobs", `removing the ${def.queue} schedule`));
  }
  const reap = setInterval(() => void reapAbandoned(boss, deps, defs), REAP_EVERY_MS);
  reap.unref();
  return () => clearInterval(reap);
}

/** Sends again the jobs whose worker went silent, for every kind that can tell (the claim makes a duplicate harmless). */
export async function reapAbandoned(
  boss: PgBoss,
  deps: Pick<WorkerDeps, "store" | "log">,
  defs: readonly JobDefinition<unknown>[] = JOB_DEFINITIONS,
): Promise<void> {
  for (const def of defs) {
    if (!def.abandoned) continue;
    try {
      for (const data of await def.abandoned(deps.store)) await enqueue(boss, def, data);
    } catch (err) {
      deps.log(`resuming abandoned ${def.queue} jobs: ${(err as Error).message}`);
    }
  }
}
