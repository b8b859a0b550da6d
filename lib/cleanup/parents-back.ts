import { sightingKey } from "../sightings/record";
import type { TargetTransaction } from "../targets/types";
import type { CleanupPlan } from "./plan";

/**
 * Of these child keys, those whose parent is live again (as sightingKey), asked inside the
 * batch's transaction by statements of their own. Needed where a statement that waited for
 * a row lock re-checks that row in the snapshot it started with (PostgreSQL's READ
 * COMMITTED: Target.deleteRechecksLatest false): a parent inserted by the transaction it
 * waited for is invisible to its NOT EXISTS, and visible to the next statement. Asked the
 * way a cross-database walk asks, turned around (Target.liveKeysWithin: the keys as one
 * array, an index range of the parent, only the keys found coming back), not as
 * `= ANY(…)`, which the planner answers with a scan of the parent once the batch's keys are
 * a few percent of it. Empty where plan.parentsAgain is null.
 */
export async function parentsBackAmong(tx: TargetTransaction, plan: CleanupPlan, keys: unknown[][]): Promise<Set<string>> {
  if (!plan.parentsAgain || !keys.length) return new Set();
  const distinct = [...new Map(keys.map((k) => [sightingKey(k), k])).values()];
  const live = await plan.parentsAgain(
    tx,
    plan.childRef.columns.map((_, c) => distinct.map((k) => k[c])),
    distinct.length,
  );
  return new Set(live.map((i) => sightingKey(distinct[i])));
}
