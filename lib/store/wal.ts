import type { PGlite } from "@electric-sql/pglite";

/** Checkpointed between statements past this much WAL since the last checkpoint. */
export const CHECKPOINT_EVERY_BYTES = 256 * 2 ** 20;

/**
 * Whether the WAL since the last checkpoint is past CHECKPOINT_EVERY_BYTES, or half-way to
 * the point where PostgreSQL itself asks for one, whichever comes first. It asks once the WAL
 * reaches the segment CheckPointSegments - 1 after the last checkpoint's redo segment, where
 * CheckPointSegments is max_wal_size in segments spread over checkpoint_completion_target
 * (xlog.c's CalculateCheckpointSegments, at least 1): at the earliest CheckPointSegments - 2
 * whole segments after the redo point.
 */
const CHECKPOINT_DUE = `WITH s AS (
    SELECT pg_size_bytes(current_setting('wal_segment_size')) AS segment,
      greatest(1, floor(pg_size_bytes(current_setting('max_wal_size'))
        / pg_size_bytes(current_setting('wal_segment_size'))
        / (1 + current_setting('checkpoint_completion_target')::float8))) AS checkpoint_segments)
  SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), c.redo_lsn) > least($1::float8, (s.checkpoint_segments - 2) * s.segment / 2) AS due
  FROM pg_control_checkpoint() c, s`;

/**
 * Checkpoints the embedded store when its WAL since the last checkpoint is due one (above).
 * PGlite has no checkpointer process: at PostgreSQL's own point the request runs inside the
 * backend that wrote the WAL, and when that backend is flushing a commit it waits for its own
 * commit to leave the critical section, forever (a busy sleep: 100% CPU, no I/O; a sightings
 * recording stalled so at 1.3–2M keys, the WAL at 529 MB, its stack XLogFlush →
 * CreateCheckPoint → pg_usleep). A CHECKPOINT statement between statements never waits for
 * itself, and keeps the WAL far short of that point.
 */
export async function checkpointIfDue(db: PGlite, everyBytes = CHECKPOINT_EVERY_BYTES): Promise<boolean> {
  const [row] = (await db.query<{ due: boolean }>(CHECKPOINT_DUE, [everyBytes])).rows;
  if (!row?.due) return false;
  await db.exec("CHECKPOINT");
  return true;
}
