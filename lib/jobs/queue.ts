import { fromPglite, PgBoss } from "pg-boss";
import type { Store } from "../store/client";

/**
 * pg-boss on Custodian's own store: PGlite embedded (sharing its one connection), or the
 * PostgreSQL store's own pool. Jobs survive a restart because they live in the store.
 */
export const QUEUES = {
  sweep: "custodian.sweep",
  cleanup: "custodian.cleanup",
  purge: "custodian.purge",
} as const;

export async function startQueue(store: Store, opts: { log?: (line: string) => void } = {}): Promise<PgBoss> {
  const boss =
    store.kind === "pglite"
      ? new PgBoss({ db: fromPglite(store.pglite!), backend: "pglite", schema: "pgboss" })
      : new PgBoss({ connectionString: store.connectionString!, schema: "pgboss", max: 4, application_name: "custodian-jobs" });
  // Errors of the queue's own housekeeping; never with a URL in them.
  boss.on("error", (err) => opts.log?.(`job queue: ${err.message}`));
  await boss.start();
  for (const name of Object.values(QUEUES)) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name, { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600 });
  }
  return boss;
}
