import type { Relation } from "../relations/types";
import { isTargetError, TargetError, type TargetErrorKind } from "../targets/errors";
import type { TargetPool } from "../targets/pool";
import { assertColumnsExist, indexAdvice, isUniqueKey } from "./checks";
import { countOrphansAcross } from "./cross-target";

export interface ScanResult {
  relation: Relation;
  /** Null when the scan failed: a relation that could not be scanned never reports 0. */
  orphans: number | null;
  childRows: number | null;
  durationMs: number;
  scannedAt: Date;
  error?: string;
  errorKind?: TargetErrorKind;
  indexAdvice?: string;
}

const DAY_MS = 86_400_000;

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
    const child = await pool.get(relation.child.target);
    const parent = await pool.get(relation.parent.target);
    const childRef = { schema: relation.child.schema, table: relation.child.table, columns: relation.child.columns };
    const parentRef = { schema: relation.parent.schema, table: relation.parent.table, columns: relation.parent.columns };
    await assertColumnsExist(child, childRef, "child");
    await assertColumnsExist(parent, parentRef, "parent");
    const sd = relation.parentSoftDelete;
    if (sd) await assertColumnsExist(parent, { ...parentRef, columns: [sd.column] }, "parent");
    const softDelete = sd ? { column: sd.column, before: new Date(now.getTime() - sd.graceDays * DAY_MS) } : undefined;
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
