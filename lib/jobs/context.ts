import type { Config } from "../config/types";
import { lineSink, type Logger } from "../log/logger";
import type { Store } from "../store/client";

/**
 * What every job handler is given by the process that runs it. A leaf module: features
 * import it, it imports no feature (lib/jobs/registry.ts is the one place that lists them).
 */
export interface WorkerDeps {
  store: Store;
  config: () => Config;
  log: (line: string) => void;
  /** When set, each job logs through a child of it carrying the job's kind and id. */
  logger?: Logger;
  /** Aborted when the process stops: cleanups and purges give their job back after the current batch or subject. */
  signal?: AbortSignal;
  /**
   * Work under way that cannot stop between batches (a sweep), by name: how to mark it
   * interrupted if it is still running when the process has waited long enough.
   */
  interrupted?: Map<string, () => Promise<unknown>>;
}

/** A table an action removed rows from, put rows back into, or changed soft-delete stamps of ("target.table" when the schema is the default). */
export interface TouchedTables {
  target: string;
  schema?: string;
  table: string;
}

/** What an action changed in the targets, so the figures of it are refreshed (lib/sweeps/refresh.ts). */
export interface TouchedTargets {
  relations?: string[];
  tables?: TouchedTables[];
}

/** The line sink of one job: its own child logger (job kind and id on every line), else the process's sink. */
export function jobLog(deps: Pick<WorkerDeps, "log" | "logger">, fields: { job: string; jobId?: string }): (line: string) => void {
  return deps.logger ? lineSink(deps.logger.child(fields)) : deps.log;
}

/**
 * Runs `work` registered as interruptible: if the process stops before it ends, `release`
 * marks it in the store so that nothing is left "running" with a heartbeat nobody sends.
 */
export async function interruptible<T>(deps: WorkerDeps, what: string, release: () => Promise<unknown>, work: () => Promise<T>): Promise<T> {
  deps.interrupted?.set(what, release);
  try {
    return await work();
  } finally {
    deps.interrupted?.delete(what);
  }
}
