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
 * How often an idle worker asks the queue for a job, in seconds. It is the floor: a job sent
 * to a queue with `notify` wakes the workers of every process at once (LISTEN/NOTIFY, when
 * the store's connection allows it: lib/jobs/queue.ts), and a back-to-back kind's worker asks
 * again as soon as its job ends; a job that becomes due later (a retry after its delay) waits
 * for the poll.
 */
const POLL_SECONDS = 1;

/**
 * Registers every job kind on a started queue: its handler (the data parsed by the kind's
 * schema first), its schedule, and one reaper for all kinds that keep a heartbeat.
 * Returns the stop of the reaper.
 */
export async function startWorkers(
  boss: PgBoss,
  deps: WorkerDeps,
  defs: readonly JobDefinition<unknown>[] = JOB_DEFINITIONS,
  opts: { pollSeconds?: number } = {},
): Promise<() => void> {
  const refresh: JobRun["refresh"] = (config, touched, log) => refreshAfter(deps.store, config, touched, log);
  const pollSeconds = opts.pollSeconds ?? POLL_SECONDS;
  for (const def of defs) {
    // pg-boss refreshes its heartbeat as often as the store's is written, so a retry never finds the store's row fresher than the queue's
    const heartbeatRefreshSeconds = def.queueOptions.heartbeatSeconds ? HEARTBEAT_MS / 1000 : undefined;
    await boss.work(
      def.queue,
      {
        // the same poll whether NOTIFY is listened to or not: a notification lost (the listener reconnecting) costs at most one poll
        pollingIntervalSeconds: pollSeconds,
        notifyPollingIntervalSeconds: pollSeconds,
        batchSize: 1,
        includeMetadata: true,
        heartbeatRefreshSeconds,
        localConcurrency: def.localConcurrency ?? 1,
      },
      async ([job]) => {
        try {
          return await def.handle(def.schema.parse(job.data), { ...deps, boss, createdOn: job.createdOn, refresh });
        } finally {
          // pg-boss completes the job once this returns, then its worker, notified, fetches again without the poll's wait
          if (def.backToBack) wakeWorkers(boss, def.queue);
        }
      },
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

/**
 * Wakes this process's workers of a queue (pg-boss's `notifyWorker`): an idle one fetches now
 * rather than at its next poll, one running a job fetches as soon as that job is completed.
 * Each still takes one job at a time, so a worker killed loses only the job it held.
 */
export function wakeWorkers(boss: PgBoss, queue: string): void {
  for (const w of boss.getWipData()) if (w.name === queue) boss.notifyWorker(w.id);
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
