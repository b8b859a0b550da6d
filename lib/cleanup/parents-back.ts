import { liveParentsAmong } from "../targets/features/cleanup";
import type { TargetTransaction } from "../targets/types";
import type { CleanupPlan } from "./plan";
import { pkText } from "./rows";

/**
 * Of these child keys, those whose parent is live again (as pkText), asked inside the
 * batch's transaction by a statement of its own. Needed where a statement that waited for
 * a row lock re-checks that row in the snapshot it started with (PostgreSQL's READ
 * COMMITTED: Target.deleteRechecksLatest false): a parent inserted by the transaction it
 * waited for is invisible to its NOT EXISTS, and visible to the next statement. Empty
 * where the statement already saw it, and across databases (the parent is asked apart).
 */
export async function parentsBackAmong(tx: TargetTransaction, plan: CleanupPlan, keys: unknown[][]): Promise<Set<string>> {
  if (!plan.sameTarget || plan.child.deleteRechecksLatest || !keys.length) return new Set();
  const distinct = new Map(keys.map((k) => [pkText(k), k]));
  const live = plan.child.parentLive("p", plan.softDelete);
  const back = await tx.query(liveParentsAmong(plan.parentRef, live, [...distinct.values()], plan.child.keyArrays));
  return new Set(back.map((row) => pkText(plan.parentRef.columns.map((_, i) => row[`k${i}`]))));
}
