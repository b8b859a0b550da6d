import type { PgBoss, Queue, SendOptions } from "pg-boss";
import type { z } from "zod";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import type { TouchedTargets, WorkerDeps } from "./context";

/** What a handler gets besides its data: the process's dependencies, the queue (to enqueue follow-ups) and when its job was created. */
export interface JobRun extends WorkerDeps {
  boss: PgBoss;
  /** When pg-boss created the job: a scheduled job's slot is the cron tick it was created for. */
  createdOn: Date;
  /**
   * Refreshes the figures of what a job changed (its relations rescanned, the soft-delete
   * backlog measured again: lib/sweeps/refresh.ts); given here so features need not import
   * sweeps. Never throws: a failed refresh is logged.
   */
  refresh(config: Config, touched: TouchedTargets, log: (line: string) => void): Promise<unknown>;
}

/**
 * One job kind, declared by the feature that owns it (anchor: formbricks
 * packages/jobs/src/definitions.ts). lib/jobs/registry.ts lists them; lib/jobs/workers.ts
 * creates each queue, registers each handler and schedule, and runs the one reaper. Adding
 * a job kind is one such definition and one line in the registry.
 */
export interface JobDefinition<T> {
  /** pg-boss queue name. */
  queue: string;
  /** The data's shape: a job whose data does not parse fails at once, never half-runs. */
  schema: z.ZodType<T>;
  /**
   * Options the queue is created (or updated) with: retries, expiry, and pg-boss's own
   * heartbeat where the pg-boss job is the whole of the work (a sweep, an erasure run): a
   * worker that dies has its job failed and retried after `heartbeatSeconds`, not after
   * the expiry, and the retry takes the store's row over (its heartbeat is as old). `notify`:
   * a job sent wakes the queue's workers at once (lib/jobs/queue.ts).
   */
  queueOptions: Omit<Queue, "name">;
  /** Jobs of this kind one process runs at once (default 1): a sweep's parts, two at a time as an in-process sweep counts. */
  localConcurrency?: number;
  /**
   * A worker that ends a job of this kind asks the queue for the next one at once (pg-boss's
   * `notifyWorker`), instead of waiting out the rest of its poll: for kinds sent in runs (a
   * sweep's parts), where the poll would otherwise stand between one job and the next.
   */
  backToBack?: boolean;
  /** Options each job of this kind is sent with (a singleton key, retries). */
  sendOptions?(data: T): SendOptions;
  /** A recurring job: its cron (UTC) from the config, or null for none (an earlier schedule is removed). */
  schedule?: { cron(config: Config): string | null; data: T };
  /** Runs one job; what it returns is the job's output in pg-boss. */
  handle(data: T, run: JobRun): Promise<unknown>;
  /** Jobs whose worker went silent (the store's heartbeat stopped): the reaper sends these again. */
  abandoned?(store: Store): Promise<T[]>;
}

/** Sends one job of a kind: its data checked against the kind's schema, with the kind's send options. */
export async function enqueue<T>(boss: PgBoss, def: JobDefinition<T>, data: T, options: SendOptions = {}): Promise<void> {
  const parsed = def.schema.parse(data);
  await boss.send(def.queue, parsed as object, { ...def.sendOptions?.(parsed), ...options });
}
