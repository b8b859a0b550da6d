import type { PgBoss } from "pg-boss";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { registerErasureJobs } from "../erasure/jobs";
import { startQueue } from "./queue";
import { startWorkers } from "./workers";

/**
 * The job queue of a process (the web server, or `custodian worker`): started once, with
 * the workers registered unless this process only enqueues (CUSTODIAN_WEB_WORKERS=0 on a
 * web server whose work is done by separate workers).
 */
export interface JobRuntime {
  boss: PgBoss;
  stop(): Promise<void>;
}

export async function startJobRuntime(store: Store, opts: { config: () => Config; log: (line: string) => void; work: boolean }): Promise<JobRuntime> {
  const boss = await startQueue(store, { log: opts.log });
  const deps = { store, config: opts.config, log: opts.log };
  const stopReaper = opts.work ? await startWorkers(boss, deps) : () => {};
  await registerErasureJobs(boss, deps, { work: opts.work });
  return {
    boss,
    async stop() {
      stopReaper();
      await boss.stop({ graceful: true, timeout: 30_000 });
    },
  };
}
