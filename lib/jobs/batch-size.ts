/**
 * Adaptive batch size (docs/architecture.md: aim at 0.1–0.5 s per batch, as gh-ost and
 * pt-archiver do): a slower batch halves the next, a quicker one grows it, within bounds.
 */
export const SLOW_BATCH_MS = 500;
export const FAST_BATCH_MS = 100;

export interface BatchBounds {
  min: number;
  max: number;
  /** How much a quick batch grows the next (cleanups ×1.5, purges ×2). */
  grow: number;
  /** A batch slower than this halves the next (default SLOW_BATCH_MS). */
  slowMs?: number;
  /**
   * Where set, batches are steered toward taking this long, in proportion (within ×0.5 and
   * ×grow), instead of only growing under FAST_BATCH_MS: a size left anywhere between the
   * two thresholds sits where a batch's ordinary jitter crosses slowMs (cleanups on MariaDB:
   * p50 ~140 ms, p99 over 250 ms in bench:cleanup). Inside ±20% of it the size stays.
   */
  aimMs?: number;
  /** Steering toward aimMs shrinks a batch to no fewer rows than this (a batch over slowMs still halves). */
  aimFloor?: number;
}

/** The size of the next batch after one of `size` rows took `ms`. */
export function nextBatchSize(size: number, ms: number, b: BatchBounds): number {
  if (ms > (b.slowMs ?? SLOW_BATCH_MS)) return halveBatch(size, b);
  if (b.aimMs) {
    const ratio = b.aimMs / Math.max(ms, 1);
    if (ratio > 1.2) return Math.min(b.max, Math.max(size, Math.ceil(size * Math.min(b.grow, ratio))));
    if (ratio < 1 / 1.2) return Math.max(b.min, Math.min(size, b.aimFloor ?? b.min), Math.floor(size * Math.max(0.5, ratio)));
    return size;
  }
  if (ms < FAST_BATCH_MS && size < b.max) return Math.min(b.max, Math.ceil(size * b.grow));
  return size;
}

/** Half the size, not below the minimum: after a slow batch, or a statement timeout. */
export function halveBatch(size: number, b: Pick<BatchBounds, "min">): number {
  return Math.max(b.min, Math.floor(size / 2));
}

/**
 * The aim of a job's batches, from how evenly its recent ones ran. A batch's time varies
 * around what its size predicts (a server's background flushes, other sessions, GC): on
 * MariaDB the slowest of twenty ran ~2.5× the median per row, on SQLite ~1.5×. The aim is
 * set so that such a batch still ends inside `boundMs`: 80% of the bound over the slowest
 * recent batch's multiple of the median, within [minAimMs, maxAimMs]. Until `window / 4` batches
 * have run, the aim is maxAimMs.
 */
export class BatchPace {
  private readonly perRow: number[] = [];

  constructor(private readonly o: { boundMs: number; minAimMs: number; maxAimMs: number; window: number }) {}

  record(rows: number, ms: number): void {
    if (rows <= 0) return;
    this.perRow.push(ms / rows);
    if (this.perRow.length > this.o.window) this.perRow.shift();
  }

  aimMs(): number {
    if (this.perRow.length < Math.max(2, this.o.window / 4)) return this.o.maxAimMs;
    const sorted = [...this.perRow].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const spread = median > 0 ? sorted[sorted.length - 1] / median : 1;
    // 20% headroom: the slowest of the window is not the slowest there will be
    return Math.min(this.o.maxAimMs, Math.max(this.o.minAimMs, (0.8 * this.o.boundMs) / spread));
  }
}
