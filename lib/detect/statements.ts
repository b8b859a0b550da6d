import type { Relation } from "../relations/types";
import type { TargetPool } from "../targets/pool";
import { isUniqueKey } from "./checks";
import { openRelation } from "./orphan-keys";

/**
 * What a scan of this relation sends to its databases, compiled by each target's dialect:
 * one set-based statement inside a target; a key walk and a batched lookup across two.
 */
export async function relationStatements(relation: Relation, pool: TargetPool, now = new Date()): Promise<{ purpose: string; sql: string }[]> {
  const w = await openRelation(relation, pool, now);
  if (w.child === w.parent) {
    const q = { child: w.childRef, parent: w.parentRef, parentSoftDelete: w.softDelete, parentKeyUnique: await isUniqueKey(w.parent, w.parentRef) };
    return (await w.child.countStatements(q)).map((sql) => ({ purpose: `count, in ${relation.child.target}`, sql }));
  }
  return [
    { purpose: `walk the child's distinct keys in key order, a page at a time, in ${relation.child.target}`, sql: await w.child.walkStatement(w.childRef) },
    { purpose: `look each page's keys up in batches, in ${relation.parent.target}`, sql: await w.parent.lookupStatement(w.parentRef, w.softDelete) },
  ];
}
