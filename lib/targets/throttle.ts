import { sleep } from "../sleep";
import type { TargetSpec } from "../config/types";
import { TargetPool } from "./pool";
import type { LoadReading } from "./types";

/**
 * Where a target's load is read: the real probes (replica lag on the replica when the
 * target has one, else on the primary; running statements on the primary), or a test's.
 */
export type LoadSource = (target: string) => Promise<LoadReading>;

/** What a job shows and keeps while it waits: why (null once it runs again), and the time spent waiting so far. */
export type ThrottleReport = (state: { reason: string | null; waitedMs: number }) => Promise<void>;

export interface ThrottleOptions {
  /** Tests: a lag source instead of the servers' (no replica runs here). */
  source?: LoadSource;
  /** How often the load is read again while over a limit. */
  pollMs?: number;
  signal?: AbortSignal;
}

const POLL_MS = 1000;

/**
 * Throttling as gh-ost and pt-archiver do it: before each cleanup or purge batch on a
 * target with `maxReplicaLagMs` or `maxThreadsRunning`, its load is read, and while it is
 * over a limit the batch waits (the job says why, and how long it has waited). A target
 * with neither limit is never probed.
 */
export class Throttle {
  private replicas: TargetPool | null = null;

  constructor(
    private readonly specs: Record<string, TargetSpec>,
    private readonly primary: TargetPool,
    private readonly report: ThrottleReport,
    private readonly opts: ThrottleOptions = {},
  ) {}

  /** Returns when `target`'s load is under its limits (at once without limits, or when the job is stopping). */
  async before(target: string): Promise<void> {
    const limits = this.specs[target]?.throttle;
    if (!limits || (!limits.maxReplicaLagMs && !limits.maxThreadsRunning)) return;
    let started: number | null = null;
    for (;;) {
      const reason = overLimit(await this.read(target), limits);
      if (!reason || this.opts.signal?.aborted) {
        if (started !== null) await this.report({ reason: null, waitedMs: performance.now() - started });
        return;
      }
      started ??= performance.now();
      await this.report({ reason, waitedMs: performance.now() - started });
      await sleep(this.opts.pollMs ?? POLL_MS, this.opts.signal);
    }
  }

  async close(): Promise<void> {
    await this.replicas?.close();
  }

  private async read(target: string): Promise<LoadReading> {
    if (this.opts.source) return this.opts.source(target);
    const primary = await this.primary.get(target);
    const limits = this.specs[target].throttle!;
    if (!this.specs[target].readUrl || !limits.maxReplicaLagMs) return primary.readLoad();
    this.replicas ??= new TargetPool(this.specs, { use: "reads" });
    const [onReplica, onPrimary] = await Promise.all([(await this.replicas.get(target)).readLoad(), primary.readLoad()]);
    return { replicaLagMs: onReplica.replicaLagMs ?? onPrimary.replicaLagMs, threadsRunning: onPrimary.threadsRunning };
  }
}

/** Why this load is over these limits ("replica lag 3.2 s > 1 s"), or null. */
export function overLimit(load: LoadReading, limits: { maxReplicaLagMs?: number; maxThreadsRunning?: number }): string | null {
  const reasons: string[] = [];
  if (limits.maxReplicaLagMs && load.replicaLagMs != null && load.replicaLagMs > limits.maxReplicaLagMs) {
    const lag = Number.isFinite(load.replicaLagMs) ? seconds(load.replicaLagMs) : "unknown (replication stopped)";
    reasons.push(`replica lag ${lag} > ${seconds(limits.maxReplicaLagMs)}`);
  }
  if (limits.maxThreadsRunning && load.threadsRunning != null && load.threadsRunning > limits.maxThreadsRunning) {
    reasons.push(`threads running ${load.threadsRunning} > ${limits.maxThreadsRunning}`);
  }
  return reasons.length ? reasons.join(", ") : null;
}

/** 3200 → "3.2 s", 1000 → "1 s", 250 → "0.25 s". */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 1000 ? 2 : 1))} s`;
}

/**
 * A ThrottleReport that writes a job's row: the reason now, and the time waited added to
 * its total as it grows (a job killed while waiting keeps what it waited until then).
 */
export function recordedOn(write: (data: { throttleReason: string | null; throttledSeconds: { increment: number } }) => Promise<unknown>): ThrottleReport {
  let counted = 0;
  return async ({ reason, waitedMs }) => {
    const add = Math.max(0, waitedMs - counted) / 1000;
    counted = reason ? waitedMs : 0;
    await write({ throttleReason: reason, throttledSeconds: { increment: add } });
  };
}
