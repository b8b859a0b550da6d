import { TargetError } from "../targets/errors";
import { deleteStillOrphans } from "../targets/features/cleanup";
import type { TargetTransaction } from "../targets/types";
import type { Candidate } from "./candidates";
import { parentsBackAmong } from "./parents-back";
import type { CleanupPlan } from "./plan";
import { pkText } from "./rows";

/**
 * Thrown inside a direct delete's transaction to roll it back: some of the rows it deleted
 * were not what the batch saw (re-pointed), or have a live parent again. A TargetError so
 * the target passes it through as it is.
 */
class RowsChanged extends TargetError {
  constructor(
    target: string,
    readonly pks: Set<string>,
  ) {
    super("query_failed", target, `${pks.size} of the batch's rows changed before they were deleted`);
  }
}

/**
 * A plain delete's batch (plan.directDelete): one DELETE that re-checks each row itself,
 * in a transaction of the child's database. Returns how many rows it deleted; the others
 * had changed and are left alone.
 *
 * Where the DELETE hands back what it deleted (Target.deleteReturning), the keys are
 * compared here instead of in SQL, and where the DELETE re-checks a row it waited for
 * against an older snapshot (PostgreSQL: see Target.deleteRechecksLatest) the parents are
 * asked again by a second statement, whose snapshot sees what that wait let commit. A row
 * that fails either check rolls the whole transaction back, and it runs again without
 * that row: every retry has fewer rows, so it ends.
 */
export async function deleteRechecked(plan: CleanupPlan, rows: Candidate[]): Promise<number> {
  let left = rows;
  while (left.length) {
    const attempt = left;
    const deleted = await plan.child
      .transaction(plan.timeoutMs, (tx) => deleteOnce(tx, plan, attempt))
      .catch((err: unknown) => {
        if (err instanceof RowsChanged) return err;
        throw err;
      });
    if (!(deleted instanceof RowsChanged)) return deleted;
    left = attempt.filter((r) => !deleted.pks.has(pkText(r.pk)));
  }
  return 0;
}

async function deleteOnce(tx: TargetTransaction, plan: CleanupPlan, rows: Candidate[]): Promise<number> {
  const { child } = plan;
  const parent = plan.sameTarget ? { ref: plan.parentRef, live: child.parentLive("p", plan.softDelete), probe: child.orphanProbe } : undefined;
  const statement = deleteStillOrphans(child.deleteFromAliased(plan.childRef, "c"), {
    child: plan.childRef,
    pk: plan.pk,
    rows,
    parent,
    keyArrays: child.keyArrays,
    returning: child.deleteReturning,
  });
  if (!child.deleteReturning) return tx.execute(statement);

  const deleted = await tx.query(statement);
  const seen = new Map(rows.map((r) => [pkText(r.pk), pkText(r.key)]));
  const pkOf = (row: Record<string, unknown>) => pkText(plan.pk.map((_, i) => row[`p${i}`]));
  const keyOf = (row: Record<string, unknown>, prefix: string) => plan.childRef.columns.map((_, i) => row[`${prefix}${i}`]);
  // Re-pointed since the batch read it (to a key not found eligible): not this batch's to delete.
  const changed = new Set(deleted.filter((row) => seen.get(pkOf(row)) !== pkText(keyOf(row, "k"))).map(pkOf));
  const back = await parentsBackAmong(
    tx,
    plan,
    deleted.map((row) => keyOf(row, "k")),
  );
  for (const row of deleted) if (back.has(pkText(keyOf(row, "k")))) changed.add(pkOf(row));
  if (changed.size) throw new RowsChanged(child.name, changed);
  return deleted.length;
}
