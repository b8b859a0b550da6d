import type { TargetTransaction } from "../targets/types";
import type { CleanupPlan } from "./plan";

/**
 * Of these child keys (distinct, each under a text of the caller's choosing), the texts
 * of those whose parent is live again, asked inside the batch's transaction by statements
 * of their own. Needed where a statement that waited for
 * a row lock re-checks that row in the snapshot it started with (PostgreSQL's READ
 * COMMITTED: Target.deleteRechecksLatest false): a parent inserted by the transaction it
 * waited for is invisible to its NOT EXISTS, and visible to the next statement. Asked the
 * way a cross-database walk asks, turned around (Target.liveKeysWithin: the keys as one
 * array, an index range of the parent, only the keys found coming back), not as
 * `= ANY(…)`, which the planner answers with a scan of the parent once the batch's keys are
 * a few percent of it. Empty where plan.parentsAgain is null.
 */
export async function parentsBackAmong(tx: TargetTransaction, plan: CleanupPlan, keys: Map<string, unknown[]>): Promise<Set<string>> {
  if (!plan.parentsAgain || !keys.size) return new Set();
  const texts = [...keys.keys()];
  const values = [...keys.values()];
  const live = await plan.parentsAgain(
    tx,
    plan.childRef.columns.map((_, c) => values.map((k) => k[c])),
    values.length,
  );
  return new Set(live.map((i) => texts[i]));
}
