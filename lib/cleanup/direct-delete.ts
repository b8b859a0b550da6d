import { sightingKey } from "../sightings/record";
import { TargetError } from "../targets/errors";
import { deleteStillOrphans } from "../targets/features/cleanup";
import type { TargetTransaction } from "../targets/types";
import type { Candidate } from "./candidates";
import { parentsBackAmong } from "./parents-back";
import type { CleanupPlan } from "./plan";

/**
 * Thrown inside a direct delete's transaction to roll it back: some of the rows it deleted
 * were not what the batch saw (re-pointed), or have a live parent again. A TargetError so
 * the target passes it through as it is.
 */
class RowsChanged extends TargetError {
  constructor(
    target: string,
    /** Their primary keys, as textOf. */
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
 * against an older snapshot (PostgreSQL: plan.parentsAgain) the parents are asked again
 * by statements of their own, whose snapshot sees what that wait let commit. A row that
 * fails either check rolls the whole transaction back, and it runs again without that
 * row: every retry has fewer rows, so it ends.
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
    left = attempt.filter((r) => !deleted.pks.has(textOf(r.pk)));
  }
  return 0;
}

async function deleteOnce(tx: TargetTransaction, plan: CleanupPlan, rows: Candidate[]): Promise<number> {
  const { child } = plan;
  const statement = deleteStillOrphans(child.deleteFromAliased(plan.childRef, "c"), {
    child: plan.childRef,
    pk: plan.pk,
    rows,
    parent: plan.sameTarget ? { ref: plan.parentRef, live: child.parentLive("p", plan.softDelete), probe: child.orphanProbe } : undefined,
    keyArrays: child.keyArrays,
    returning: child.deleteReturning,
  });
  if (!child.deleteReturning) return tx.execute(statement);

  const deleted = await tx.query(statement);
  const seen = new Map(rows.map((r) => [textOf(r.pk), textOf(r.key)]));
  const changed = new Set<string>();
  const keys = new Map<string, unknown[]>();
  const keyOfRow: [pk: string, key: string][] = [];
  const pkOf = columnsOf(plan.pk.length, "p");
  const keyOf = columnsOf(plan.childRef.columns.length, "k");
  for (const row of deleted) {
    const pk = textOf(pkOf(row));
    const keyValues = keyOf(row);
    const key = textOf(keyValues);
    // Re-pointed since the batch read it (to a key not found eligible): not this batch's to delete.
    if (seen.get(pk) !== key) changed.add(pk);
    keys.set(key, keyValues);
    keyOfRow.push([pk, key]);
  }
  const back = await parentsBackAmong(tx, plan, keys);
  if (back.size) for (const [pk, key] of keyOfRow) if (back.has(key)) changed.add(pk);
  if (changed.size) throw new RowsChanged(child.name, changed);
  return deleted.length;
}

/** A row's values of columns p0… (or k0…) as a key; one column read without building its name per row. */
function columnsOf(count: number, prefix: string): (row: Record<string, unknown>) => unknown[] {
  if (count === 1) {
    const name = `${prefix}0`;
    return (row) => [row[name]];
  }
  const names = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  return (row) => names.map((n) => row[n]);
}

/**
 * A key as text to compare by: a lone number, bigint or string as itself (every value of
 * one table's key has the same type, and the same column comes back the same way from the
 * same driver), anything else as a sighting's key: no JSON for each of a batch's up to
 * 20,000 rows, on the thread that also runs an in-process target.
 */
function textOf(values: unknown[]): string {
  if (values.length === 1) {
    const v = values[0];
    if (typeof v === "number" || typeof v === "bigint" || typeof v === "string") return String(v);
  }
  return sightingKey(values);
}
