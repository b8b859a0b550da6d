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
 * compared here instead of in SQL; elsewhere the DELETE matches the batch's keys itself, so
 * a row re-pointed to another of them (eligible, without a live parent) is deleted as an
 * orphan of that key. Where the DELETE re-checks a row it waited for against
 * an older snapshot (PostgreSQL: plan.parentsAgain), the parents of the batch's keys are
 * asked again by a statement of its own, whose snapshot sees what that wait let commit.
 * A row that fails either check rolls the whole transaction back, and it runs again
 * without that row: every retry has fewer rows, so it ends.
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
  const returning = child.deleteReturning === "always" || (child.deleteReturning === "composite_keys" && plan.childRef.columns.length > 1);
  const statement = deleteStillOrphans(child.deleteFromAliased(plan.childRef, "c"), {
    child: plan.childRef,
    pk: plan.pk,
    rows,
    // Kept where the parents are asked again after it (plan.parentsAgain): a row whose parent
    // is visible is not even locked, where deleting it first would hold a live row of the
    // application's until the rollback.
    parent: plan.sameTarget ? { ref: plan.parentRef, live: child.parentLive("p", plan.softDelete), probe: child.orphanProbe } : undefined,
    keyLists: child.keyLists,
    returning,
  });
  const changed = new Set<string>();
  let deleted: number;
  if (returning) {
    const returned = await tx.query(statement);
    const pkOf = textOfColumns(plan.pk.length, "p");
    const keyOf = textOfColumns(plan.childRef.columns.length, "k");
    const seen = new Map<string, string>();
    for (const r of rows) seen.set(textOf(r.pk), textOf(r.key));
    for (const row of returned) {
      const pk = pkOf(row);
      // Re-pointed since the batch read it (to a key not found eligible): not this batch's to delete.
      if (seen.get(pk) !== keyOf(row)) changed.add(pk);
    }
    deleted = returned.length;
  } else deleted = await tx.execute(statement);
  if (plan.parentsAgain) {
    // The batch's own keys: a row deleted held one of them (a re-pointed one is in `changed`),
    // and a key whose parent is back rolls back every row of the batch that held it.
    const back = await parentsBackAmong(tx, plan, distinctKeys(rows));
    if (back.size) for (const r of rows) if (back.has(textOf(r.key))) changed.add(textOf(r.pk));
  }
  if (changed.size) throw new RowsChanged(child.name, changed);
  return deleted;
}

function distinctKeys(rows: Candidate[]): Map<string, unknown[]> {
  const keys = new Map<string, unknown[]>();
  for (const r of rows) keys.set(textOf(r.key), r.key);
  return keys;
}

/** A row's values of columns p0… (or k0…) as textOf would give them; one column read without an array or its name built per row. */
function textOfColumns(count: number, prefix: string): (row: Record<string, unknown>) => string {
  if (count === 1) {
    const name = `${prefix}0`;
    return (row) => textOfOne(row[name]);
  }
  const names = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  return (row) => textOf(names.map((n) => row[n]));
}

/**
 * A key as text to compare by: a lone number, bigint or string as itself (every value of
 * one table's key has the same type, and the same column comes back the same way from the
 * same driver), anything else as a sighting's key: no JSON for each of a batch's up to
 * 20,000 rows, on the thread that also runs an in-process target.
 */
function textOf(values: unknown[]): string {
  return values.length === 1 ? textOfOne(values[0]) : sightingKey(values);
}

function textOfOne(v: unknown): string {
  return typeof v === "number" || typeof v === "bigint" || typeof v === "string" ? String(v) : sightingKey([v]);
}
