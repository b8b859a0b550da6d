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
 */
export async function startQueue(store: Store, opts: { log?: (line: string) => void } = {}): Promise<PgBoss> {
  const boss =
    store.kind === "pglite"
      ? new PgBoss({ db: fromPglite(store.pglite!), backend: "pglite", schema: "pgboss" })
      : new PgBoss({ connectionString: store.connectionString!, schema: "pgboss", max: 4, application_name: "custodian-jobs" });
  // Errors of the queue's own housekeeping; never with a URL in them.
  boss.on("error", (err) => opts.log?.(`job queue: ${err.message}`));
  await boss.start();
  for (const def of JOB_DEFINITIONS) {
    // (updated when it exists: a store made by an earlier version gets the definition's options)
    if (!(await boss.getQueue(def.queue))) await boss.createQueue(def.queue, def.queueOptions);
    else await boss.updateQueue(def.queue, def.queueOptions);
  }
  return boss;
}
