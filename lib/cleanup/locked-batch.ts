import type { Store } from "../store/client";
import { deleteByPk } from "../targets/features/cleanup";
import { recordApplied, recordIntent, setAside, zeroCounts, type BatchOutcome } from "./batch-steps";
import { nextCandidates } from "./candidates";
import { packedIntegerKeys } from "./intent";
import type { CleanupPlan } from "./plan";

/**
 * A plain delete's batch where one transaction can hold every write of the child's database
 * (SQLite: plan.deleteUnderWriteLock). The candidates are read inside that transaction,
 * after it has taken the write lock, so no writer, in this process or another, can change
 * a row or a parent before it commits: the rows it read as orphans are still orphans, with
 * the same keys, when the DELETE runs. The DELETE is then by primary key alone, with none of
 * the per-row re-checks (still this key, still no live parent) a batch needs where its read
 * and its write are apart, and nothing handed back to compare: on SQLite those re-checks
 * cost more than the delete itself (bench:cleanup).
 *
 * The order of runBatch is kept: the rows set aside (grace, allowlist), the four-eyes budget,
 * the intent recorded in the store before the target is touched, the outcome after the
 * commit. The store's writes happen while the child's write lock is held: other writers of
 * that database wait for the batch as a whole (its p99 is bounded like every batch's, by the
 * engine's batch sizing), where they waited for its DELETE alone.
 */
export async function runBatchUnderWriteLock(
  store: Store,
  plan: CleanupPlan,
  job: { id: string; seq: number },
  after: unknown[] | null,
  size: number,
  budget: number,
): Promise<BatchOutcome> {
  const started = performance.now();
  const counts = zeroCounts();
  const outcome = await plan.child.transactionHoldingWrites(plan.timeoutMs, async (tx): Promise<BatchOutcome> => {
    // Inside the transaction (the target's statements in this async context run in it).
    const { rows, examined, cursor } = await nextCandidates(plan, after, size);
    counts.examined = examined;
    if (!rows.length) return { counts, cursor, wrote: false };
    const eligible = await setAside(store, plan, rows, counts);
    if (!eligible.length) return { counts, cursor, wrote: false };
    if (eligible.length > budget) return { counts: zeroCounts(), cursor: after, wrote: false, overBudget: eligible.length };
    const pks = eligible.map((r) => r.pk);
    await recordIntent(store, job, packedIntegerKeys(pks) ?? pks.map((pk) => pk.map(String)), cursor);
    const deleted = await tx.execute(deleteByPk(plan.childRef, plan.pk, pks, plan.child.keyLists));
    // Cannot differ while the lock is held; if it did, nothing of it commits (the intent is settled as "nothing happened").
    if (deleted !== pks.length) throw new Error(`${plan.child.name}: a batch under the write lock deleted ${deleted} of its ${pks.length} rows; rolled back`);
    counts.deleted = deleted;
    return { counts, cursor, wrote: true };
  });
  if (outcome.wrote) await recordApplied(store, job, counts, outcome.cursor, performance.now() - started);
  return outcome;
}
