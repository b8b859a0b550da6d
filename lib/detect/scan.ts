import type { ScanRecord } from "../store/scans";
import type { Relation } from "../relations/types";
import { isTargetError, TargetError, type TargetErrorKind } from "../targets/errors";
import type { TargetPool } from "../targets/pool";
import { indexAdvice, isUniqueKey } from "./checks";
import { countOrphansAcross } from "./cross-target";
import { openRelation } from "./orphan-keys";

/** One relation's count, as lib/store keeps it (orphans null when the scan failed: a relation that could not be scanned never reports 0). */
export interface ScanResult extends ScanRecord {
  errorKind?: TargetErrorKind;
}

/** Counts one relation's orphans: one statement inside a target, a key walk across two. */
export async function scanRelation(relation: Relation, pool: TargetPool, now = new Date()): Promise<ScanResult> {
  const started = performance.now();
  const finish = (partial: Partial<ScanResult>): ScanResult => ({
    relation,
    orphans: null,
    childRows: null,
    durationMs: Math.round(performance.now() - started),
    scannedAt: now,
    ...partial,
  });
  try {
    const { child, parent, childRef, parentRef, softDelete } = await openRelation(relation, pool, now);
    const advice = await indexAdvice(child, childRef, parent, parentRef);

    const count =
      child === parent
        ? await child.countOrphans({ child: childRef, parent: parentRef, parentSoftDelete: softDelete, parentKeyUnique: await isUniqueKey(parent, parentRef) })
        : await countOrphansAcross(child, childRef, parent, parentRef, softDelete);
    return finish({ orphans: count.orphans, childRows: count.childRows, indexAdvice: advice });
  } catch (err) {
    const e = isTargetError(err) ? err : new TargetError("query_failed", relation.child.target, (err as Error)?.message ?? String(err));
    return finish({ error: e.message, errorKind: e.kind });
  }
}
