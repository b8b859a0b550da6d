import { fromPglite, PgBoss } from "pg-boss";
import type { Store } from "../store/client";
import { cleanupJob } from "../cleanup/job";
import { erasureJob } from "../erasure/jobs";
import { purgeJob } from "../softdelete/worker";
import { sweepJob } from "../sweeps/job";
import { JOB_DEFINITIONS } from "./registry";

/** Queue names by kind, for callers that send raw jobs (tests, the CLI). */
export const QUEUES = { sweep: sweepJob.queue, cleanup: cleanupJob.queue, purge: purgeJob.queue, erasure: erasureJob.queue } as const;

/**
 * pg-boss on Custodian's own store: PGlite embedded (sharing its one connection), or the
 * PostgreSQL store's own pool. Jobs survive a restart because they live in the store.
 * Every registered kind's queue is created here, so any process may send any job.
 *
 * `listen` (a process that works jobs): a job sent to a queue created with `notify` (a sweep,
 * its parts, its finish), from any process, wakes this process's workers of that queue at
 * once instead of at their next poll (LISTEN/NOTIFY). On PostgreSQL the listener holds one
 * connection of its own beside the pool; where it cannot listen (PgBouncer in transaction
 * mode) pg-boss warns and the workers poll, as before.
 */
export async function startQueue(store: Store, opts: { log?: (line: string) => void; listen?: boolean } = {}): Promise<PgBoss> {
  const useListenNotify = opts.listen ?? false;
  const boss =
    store.kind === "pglite"
      ? new PgBoss({ db: fromPglite(store.pglite!), backend: "pglite", schema: "pgboss", useListenNotify })
      : new PgBoss({ connectionString: store.connectionString!, schema: "pgboss", max: 4, application_name: "custodian-jobs", useListenNotify });
  // Errors of the queue's own housekeeping; never with a URL in them.
  boss.on("error", (err) => opts.log?.(`job queue: ${err.message}`));
  // Of pg-boss's warnings, the one that changes how jobs reach the workers: no wake-ups, polling only.
  boss.on("warning", (w) => {
    if ((w.data as { type?: string }).type === "listen_notify_unavailable") opts.log?.(`job queue: ${w.message}`);
  });
  await boss.start();
  for (const def of JOB_DEFINITIONS) {
    // (updated when it exists: a store made by an earlier version gets the definition's options)
    if (!(await boss.getQueue(def.queue))) await boss.createQueue(def.queue, def.queueOptions);
    else await boss.updateQueue(def.queue, def.queueOptions);
  }
  return boss;
}
