import type { PgBoss } from "pg-boss";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { lineSink, type Logger } from "../log/logger";
import type { WorkerDeps } from "./context";
import { startQueue } from "./queue";
import { startWorkers } from "./workers";

/**
 * The job queue of a process (the web server, or `custodian worker`): started once, with
 * the workers registered unless this process only enqueues (CUSTODIAN_WEB_WORKERS=0 on a
 * web server whose work is done by separate workers).
 */
export interface JobRuntime {
  boss: PgBoss;
  /**
   * Stops taking jobs, lets each running cleanup and purge finish its current batch or
   * subject and give its job back (queued at its checkpoint, heartbeat cleared, enqueued
   * for the next worker), waits for the other handlers up to STOP_GRACE_MS, then marks a
   * sweep part still being counted given back, a sweep still being planned interrupted (the
   * queue retries both), and closes the queue.
   */
  stop(): Promise<void>;
}

/**
 * How long a stopping process waits for handlers that cannot stop between batches (a sweep
 * scanning a big table): inside systemd's and Kubernetes' default grace periods (90 s, 30 s).
 */
export const STOP_GRACE_MS = 20_000;

export interface JobRuntimeOptions {
  config: () => Config;
  /** Where the runtime and its jobs log; each job gets a child logger with its id. */
  logger?: Logger;
  /** A plain line sink instead (tests). */
  log?: (line: string) => void;
  work: boolean;
  /** How long stop() waits for handlers before marking what is left interrupted (default STOP_GRACE_MS; pg-boss's minimum is 1 s). */
  stopGraceMs?: number;
}

export async function startJobRuntime(store: Store, opts: JobRuntimeOptions): Promise<JobRuntime> {
  const log = opts.log ?? (opts.logger ? lineSink(opts.logger) : () => {});
  const stopping = new AbortController();
  // The queue's own errors (a lost connection, a failed poll) are warnings, not routine lines.
  // listening only where jobs are worked: a process that only sends them needs no wake-ups
  const boss = await startQueue(store, { log: opts.logger ? (line) => opts.logger!.warn(line) : log, listen: opts.work });
  const deps: WorkerDeps = { store, config: opts.config, log, logger: opts.logger, signal: stopping.signal, interrupted: new Map() };
  const stopReaper = opts.work ? await startWorkers(boss, deps) : () => {};
  let stopped: Promise<void> | undefined;
  return {
    boss,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        stopReaper();
        await boss.stop({ graceful: true, timeout: opts.stopGraceMs ?? STOP_GRACE_MS });
        // Whatever is still under way now is abandoned with this process: say so in the store
        // rather than leave it "running" until its heartbeat is found stale.
        for (const [what, release] of deps.interrupted!) {
          await release().then(
            () => log(`${what}: interrupted by the stop; the job queue runs it again`),
            (err) => log(`${what}: could not be marked interrupted: ${(err as Error).message}`),
          );
        }
      })();
      return stopped;
    },
  };
}
