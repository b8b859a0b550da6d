import type { Store } from "../store/client";
import { sightingKey } from "../sightings/record";
import type { Candidate } from "./candidates";
import { eligibility } from "./eligibility";
import type { CleanupPlan } from "./plan";

// What every kind of batch shares (batch.ts, locked-batch.ts): its counts, the rows it sets
// aside, and its records in the store, the intent before the target is touched and the
// outcome after.

export interface BatchCounts {
  examined: number;
  deleted: number;
  nulled: number;
  archived: number;
  dependentsRemoved: number;
  skippedGrace: number;
  skippedAllowlist: number;
  skippedNotOrphan: number;
  skippedProtected: number;
}

export const zeroCounts = (): BatchCounts => ({
  examined: 0,
  deleted: 0,
  nulled: 0,
  archived: 0,
  dependentsRemoved: 0,
  skippedGrace: 0,
  skippedAllowlist: 0,
  skippedNotOrphan: 0,
  skippedProtected: 0,
});

export interface BatchOutcome {
  counts: BatchCounts;
  /** The primary key the next batch starts after; null when the child has been walked to its end. */
  cursor: unknown[] | null;
  /** The intent was recorded and applied (false: nothing was eligible, no target write). */
  wrote: boolean;
  /** The batch would have removed this many rows, more than its budget: nothing was done, the cursor did not move. */
  overBudget?: number;
}

/** The rows neither allowlisted nor inside the grace period; those set aside are counted. */
export async function setAside(store: Store, plan: CleanupPlan, rows: Candidate[], counts: BatchCounts): Promise<Candidate[]> {
  const el = await eligibility(
    store,
    plan.relation,
    rows.map((r) => r.key),
    plan.graceDays,
  );
  // Nothing set aside (no grace period, no allowlist entry): no key needs its text.
  if (!el.allowlisted.size && !el.inGrace.size) return rows;
  return rows.filter((r) => {
    const k = sightingKey(r.key);
    if (el.allowlisted.has(k)) counts.skippedAllowlist++;
    else if (el.inGrace.has(k)) counts.skippedGrace++;
    else return true;
    return false;
  });
}

/**
 * The batch's intent, before the target is touched: the rows it means to change (packed:
 * intent.ts) and where the walk stands after it. Raw: Prisma's create took ~10 ms to carry
 * 1,000 keys as JSON, the statement ~2 ms.
 */
export async function recordIntent(store: Store, job: { id: string; seq: number }, intent: unknown, cursor: unknown[] | null): Promise<void> {
  await store.prisma.$executeRaw`
    INSERT INTO cleanup_batches (job_id, seq, status, keys, cursor_to)
    VALUES (${job.id}::uuid, ${job.seq}, 'applying', ${JSON.stringify(intent)}::jsonb, ${JSON.stringify(cursor ? cursor.map(String) : [])}::jsonb)`;
}

/**
 * The batch's outcome and the job's new position, atomically: one statement (a data-modifying
 * CTE), where a two-update Prisma transaction cost ~8 ms a batch on the embedded store.
 */
export async function recordApplied(store: Store, job: { id: string; seq: number }, c: BatchCounts, cursor: unknown[] | null, ms: number) {
  const n = await store.prisma.$executeRaw`
    WITH b AS (
      UPDATE cleanup_batches SET status = 'applied', deleted = ${c.deleted + c.nulled}, duration_ms = ${Math.round(ms)}
      WHERE job_id = ${job.id}::uuid AND seq = ${job.seq} RETURNING 1
    )
    UPDATE cleanup_jobs SET
      examined = examined + ${BigInt(c.examined)}, deleted = deleted + ${BigInt(c.deleted)}, nulled = nulled + ${BigInt(c.nulled)},
      archived = archived + ${BigInt(c.archived)}, dependents_removed = dependents_removed + ${BigInt(c.dependentsRemoved)},
      skipped_grace = skipped_grace + ${BigInt(c.skippedGrace)}, skipped_allowlist = skipped_allowlist + ${BigInt(c.skippedAllowlist)},
      skipped_not_orphan = skipped_not_orphan + ${BigInt(c.skippedNotOrphan)}, skipped_protected = skipped_protected + ${BigInt(c.skippedProtected)},
      batches = batches + 1, cursor = ${JSON.stringify(cursor ? cursor.map(String) : [])}::jsonb, heartbeat_at = ${new Date()}
    WHERE id = ${job.id}::uuid AND EXISTS (SELECT 1 FROM b)`;
  if (n !== 1) throw new Error(`cleanup job ${job.id}: batch ${job.seq} has no intent to mark applied`);
}

export function increments(c: BatchCounts) {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, { increment: BigInt(v) }])) as Record<keyof BatchCounts, { increment: bigint }>;
}
