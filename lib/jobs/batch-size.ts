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
}

/** The size of the next batch after one of `size` rows took `ms`. */
export function nextBatchSize(size: number, ms: number, b: BatchBounds): number {
  if (ms > (b.slowMs ?? SLOW_BATCH_MS)) return halveBatch(size, b);
  if (b.aimMs) {
    const ratio = b.aimMs / Math.max(ms, 1);
    if (ratio > 1.2) return Math.min(b.max, Math.max(size, Math.ceil(size * Math.min(b.grow, ratio))));
    if (ratio < 1 / 1.2) return Math.max(b.min, Math.floor(size * Math.max(0.5, ratio)));
    return size;
  }
  if (ms < FAST_BATCH_MS && size < b.max) return Math.min(b.max, Math.ceil(size * b.grow));
  return size;
}

/** Half the size, not below the minimum: after a slow batch, or a statement timeout. */
export function halveBatch(size: number, b: Pick<BatchBounds, "min">): number {
  return Math.max(b.min, Math.floor(size / 2));
}
